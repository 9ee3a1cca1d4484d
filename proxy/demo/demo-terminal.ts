/**
 * The demo's SSH target: a real sshd on a random loopback port (when /usr/sbin/sshd exists) and
 * the `prod-shell` resource that reaches it. People log in as `deploy`: that is the certificate's
 * principal, and the sshd accepts it for the local account the demo runs as (root, or whoever
 * started it), because it has no `deploy` account. So `accounts` maps deploy → that account.
 */
import { userInfo } from 'node:os';
import type { ConfigInput } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { startSshTarget, SSHD_PATH, type SshTarget } from './ssh-target.js';

export interface DemoSshTarget extends SshTarget {
  /** The local account logins as `deploy` land in. */
  account: string;
}

type Resources = NonNullable<ConfigInput['resources']>;
type Policies = NonNullable<ConfigInput['policies']>;

export async function startDemoSshTarget(log: Logger): Promise<DemoSshTarget | undefined> {
  const account = userInfo().username;
  // jitgate's CA keys are trusted once jitgate has started (trust()); none until then.
  const target = await startSshTarget({ caKeys: [], principals: { [account]: ['deploy'] } });
  if (!target) {
    log.info('demo SSH target skipped: sshd is not installed', { looked: SSHD_PATH });
    return undefined;
  }
  return { ...target, account };
}

export function demoTerminalResources(target: DemoSshTarget | undefined): Resources {
  if (!target) return [];
  return [
    {
      id: 'prod-shell',
      kind: 'ssh',
      name: 'Production shell',
      description: `A real sshd on ${target.host}:${target.port} that trusts jitgate's CA. Log in as deploy.`,
      host: target.host,
      port: target.port,
      logins: ['deploy'],
      ...(target.account === 'deploy' ? {} : { accounts: { deploy: target.account } }),
      hostKey: target.hostKey,
      recording: 'required',
      idleTimeout: '15m',
    },
  ];
}

export function demoTerminalPolicies(target: DemoSshTarget | undefined): Policies {
  if (!target) return [];
  return [
    {
      id: 'staff-prod-shell',
      description: 'Staff may ask for a recorded shell on production; an approver says yes.',
      resources: ['prod-shell'],
      subjects: { groups: ['staff'], kinds: ['person'] },
      maxDuration: '2h',
      requireReason: true,
      approval: { groups: ['approvers'], count: 1 },
      recording: 'required',
    },
  ];
}
