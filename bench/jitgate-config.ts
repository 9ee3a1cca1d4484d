/**
 * The configuration of the jitgate under test, as a deployment would write it: the demo IdP as an
 * external OIDC provider, payroll (the bench upstream) with the demo's header template and the
 * trail, and prod-shell (a real sshd, recorded) when sshd is installed. Grants come from the
 * admin API, so no policy is needed. Logging at warn, as nginx runs with access_log off.
 */
import type { ConfigInput } from '../proxy/config/schema.js';

export const APP_HOST = 'payroll.localhost';
/** The id of the bench's OIDC IdP entry: its redirect URI ends with it. */
export const BENCH_IDP_ID = 'demo';
export const SSH_RESOURCE = 'prod-shell';
export const SSH_LOGIN = 'deploy';

export interface SshTargetInfo {
  host: string;
  port: number;
  hostKey: string;
  /** The local account `deploy` maps to (the sshd has no deploy account). */
  account: string;
}

export interface BenchJitgateInput {
  port: number;
  stateDir: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  upstreamUrl: string;
  ssh: SshTargetInfo | undefined;
}

/** A config whose port and state folder are known (the bench reaches and seeds them). */
export type BenchConfig = ConfigInput & { server: { port: number }; state: { dir: string } };

export function benchJitgateConfig(input: BenchJitgateInput): BenchConfig {
  const ssh = input.ssh;
  return {
    server: { host: '127.0.0.1', port: input.port, publicUrl: `http://localhost:${input.port}` },
    state: { dir: input.stateDir },
    identityProviders: [
      {
        id: BENCH_IDP_ID,
        name: 'jitgate demo IdP',
        issuer: input.issuer,
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        scopes: ['openid', 'email', 'profile', 'groups'],
        passUnmappedGroups: true,
        allowInsecureRequests: true,
      },
    ],
    resources: [
      {
        id: 'payroll',
        kind: 'web',
        name: 'Payroll',
        host: APP_HOST,
        upstream: input.upstreamUrl,
        headers: { 'X-Payroll-User': '{username}' },
      },
      ...(ssh
        ? [
            {
              id: SSH_RESOURCE,
              kind: 'ssh' as const,
              host: ssh.host,
              port: ssh.port,
              logins: [SSH_LOGIN],
              ...(ssh.account === SSH_LOGIN ? {} : { accounts: { [SSH_LOGIN]: ssh.account } }),
              hostKey: ssh.hostKey,
              recording: 'required' as const,
              // Idle sessions are what the bench measures: they must outlive it.
              idleTimeout: '12h',
            },
          ]
        : []),
    ],
    logging: { level: 'warn' },
  };
}
