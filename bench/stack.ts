/**
 * What every section stands on: the upstream, the demo IdP (own process), the sshd target, the
 * compiled jitgate, and alice logged in with grants for payroll and prod-shell. Ports of servers
 * that must know their redirect URIs in advance (jitgate, Apache) are chosen here.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfStale } from './build.js';
import { oidcCallbackUrl } from '../proxy/identity/oidc-callback.js';
import { APP_HOST, BENCH_IDP_ID, benchJitgateConfig, SSH_RESOURCE } from './jitgate-config.js';
import { startJitgateChild, type RunningJitgate } from './jitgate.js';
import { adminGrant, appSessionCookie, bearerToken, portalLogin } from './login.js';
import { freePort } from './ports.js';
import { startBenchSshTarget, type BenchSshTarget } from './ssh-target.js';
import { startTsChild, startUpstream, type ServerProcess } from './ts-child.js';

export interface OidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface Stack {
  tmp: string;
  upstream: ServerProcess;
  upstreamUrl: string;
  issuer: string;
  jitgateClient: OidcClient;
  /** The Apache row's client at the IdP, and the port Apache is to listen on. */
  apache: { port: number; client: OidcClient };
  ssh: BenchSshTarget | undefined;
  jitgate: RunningJitgate;
  /** alice's app cookie on payroll ("name=value") and her API token (terminal WebSocket). */
  alice: { appCookie: string; token: string };
  /** Headers a load generator sends to reach payroll through jitgate as alice. */
  appHeaders: Record<string, string>;
  /**
   * The public ports of the PostgreSQL rows (jitgate-pg-rows.ts): the workers' shared port and
   * the replicas' nginx. Chosen here: the IdP must know their redirect URIs.
   */
  pgRowPorts: { workers: number; replicas: number };
  /** The port of the idle-terminal row's own jitgate (terminal-idle.ts), chosen here likewise. */
  idleTerminalsPort: number;
}

const secret = () => randomBytes(24).toString('base64url');

export async function startStack(
  tmp: string,
  nodeArgs: readonly string[],
  progress: (msg: string) => void,
  parts: { ssh: boolean } = { ssh: true },
): Promise<Stack> {
  buildIfStale(progress);
  const upstream = await startUpstream();
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const jitgatePort = await freePort();
  const apachePort = await freePort();
  const pgRowPorts = { workers: await freePort(), replicas: await freePort() };
  const idleTerminalsPort = await freePort();
  const jitgateClient = {
    clientId: 'jitgate-portal',
    clientSecret: secret(),
    redirectUris: [jitgatePort, pgRowPorts.workers, pgRowPorts.replicas, idleTerminalsPort].map(
      (port) => oidcCallbackUrl(`http://localhost:${port}`, BENCH_IDP_ID),
    ),
  };
  const apacheClient = {
    clientId: 'apache',
    clientSecret: secret(),
    redirectUris: [`http://localhost:${apachePort}/redirect_uri`],
  };
  const idp = await startTsChild('idp', 'idp-child.ts', {
    BENCH_IDP_CLIENTS: JSON.stringify([jitgateClient, apacheClient]),
  });
  const issuer = String(idp.ready.issuer);
  const ssh = parts.ssh ? await startBenchSshTarget() : undefined;
  if (parts.ssh && !ssh)
    progress('terminals: sshd is not installed (apt-get install openssh-server)');
  const stateDir = join(tmp, 'jitgate-state');
  mkdirSync(stateDir, { recursive: true });
  const config = benchJitgateConfig({
    port: jitgatePort,
    stateDir,
    issuer,
    clientId: jitgateClient.clientId,
    clientSecret: jitgateClient.clientSecret,
    upstreamUrl,
    ssh: ssh?.info,
  });
  const jitgate = await startJitgateChild('jitgate', tmp, config, nodeArgs);
  await ssh?.trustJitgate(jitgate.url);
  const browser = await portalLogin(jitgate.url);
  await adminGrant(jitgate.url, stateDir, 'alice', 'payroll');
  if (ssh) await adminGrant(jitgate.url, stateDir, 'alice', SSH_RESOURCE);
  const appCookie = await appSessionCookie(browser, jitgate.port);
  const token = await bearerToken(browser, jitgate.url);
  return {
    tmp,
    upstream,
    upstreamUrl,
    issuer,
    jitgateClient,
    apache: { port: apachePort, client: apacheClient },
    ssh,
    jitgate,
    alice: { appCookie, token },
    appHeaders: { Host: `${APP_HOST}:${jitgate.port}`, Cookie: appCookie },
    pgRowPorts,
    idleTerminalsPort,
  };
}
