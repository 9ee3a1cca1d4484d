/**
 * The demo's SSH target: a real sshd on a random loopback port (when /usr/sbin/sshd exists) and
 * the `prod-shell` resource that reaches it. People log in as `deploy`: that is the certificate's
 * principal, and the sshd accepts it for the local account the demo runs as (root, or whoever
 * started it), because it has no `deploy` account. So `accounts` maps deploy → that account.
 * As root the target is guarded (ssh-target.ts) and the demo runs its target agent in-process:
 * then prod-shell also hands out direct certificates (`jitgate ssh-cert`), which the guard
 * refuses and whose sessions it ends once their grant is over.
 */
import { userInfo } from 'node:os';
import type { ConfigInput } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { TargetAgent } from '../target/target-agent.js';
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

/** How often the demo's guard asks jitgate for its revocation list. */
const GUARD_EVERY_MS = 500;

/** The guard's agent for the demo target, when the target is guarded (sshd runs as root). */
export async function startDemoGuard(
  target: SshTarget | undefined,
  jitgateUrl: string,
  log: Logger,
): Promise<TargetAgent | undefined> {
  if (!target?.sessionsDir) return undefined;
  const agent = new TargetAgent({
    url: jitgateUrl,
    revokedKeysFile: target.revokedKeysFile,
    sessionsDir: target.sessionsDir,
    everyMs: GUARD_EVERY_MS,
    log: log.child({ part: 'demo target agent' }),
  });
  await agent.start();
  return agent;
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
      // Direct certificates only where the guard can take them back.
      directAccess: target.sessionsDir !== undefined,
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
      // In an incident alice may open it herself: an incident id, MFA, 15 minutes at most, and
      // an approver reviews it afterwards (docs/access-reviews.md).
      breakGlass: {
        users: ['alice'],
        incidentPattern: '^INC-[0-9]+$',
        maxDuration: '15m',
        reviewWithin: '24h',
      },
    },
  ];
}
