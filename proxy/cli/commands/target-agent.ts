/**
 * `jitgate target-agent --url URL`: the jitgate guard's agent on an SSH target (target-agent.ts).
 * Runs until SIGINT/SIGTERM; run it as root from systemd beside sshd (docs/terminals.md).
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../../shared/logger.js';
import { parseDuration } from '../../shared/duration.js';
import { TargetAgent } from '../../target/target-agent.js';
import { parseCommand } from '../args.js';
import { CliError } from '../exit-codes.js';

const USAGE =
  'jitgate target-agent --url URL [--revoked-keys /etc/ssh/jitgate_revoked_keys] [--sessions /run/jitgate-guard] [--every 1s] [--standing RESOURCE --agent-token-file FILE [--sshd-config /etc/ssh/sshd_config] [--scan-every 10m]]';

export async function targetAgent(args: string[]): Promise<() => Promise<void>> {
  const parsed = parseCommand(
    args,
    {
      'revoked-keys': { type: 'string' },
      sessions: { type: 'string' },
      every: { type: 'string' },
      standing: { type: 'string' },
      'agent-token-file': { type: 'string' },
      'sshd-config': { type: 'string' },
      'scan-every': { type: 'string' },
    },
    USAGE,
  );
  const { values } = parsed;
  if (!values.url || parsed.positionals.length > 0) throw new CliError(`usage: ${USAGE}`);
  if (!URL.canParse(values.url)) throw new CliError(`--url must be jitgate's URL\nusage: ${USAGE}`);
  const everyMs = parseDuration(values.every ?? '1s');
  if (everyMs === undefined || everyMs < 100 || everyMs > 60_000)
    throw new CliError('--every must be a duration between 100ms and 1m, e.g. 1s');
  const agent = new TargetAgent({
    url: values.url,
    ...standingOptions(values),
    revokedKeysFile: values['revoked-keys'] ?? '/etc/ssh/jitgate_revoked_keys',
    sessionsDir: values.sessions ?? '/run/jitgate-guard',
    everyMs,
    log: createLogger(),
  });
  await agent.start();
  return () => agent.stop();
}

/** `--standing RESOURCE`: report standing SSH access, with the token read from its file. */
function standingOptions(values: Record<string, string | boolean | undefined>) {
  const resource = values.standing;
  if (resource === undefined) return {};
  const tokenFile = values['agent-token-file'];
  if (typeof resource !== 'string' || typeof tokenFile !== 'string')
    throw new CliError(`--standing needs --agent-token-file\nusage: ${USAGE}`);
  const scanEvery = values['scan-every'];
  const everyMs = parseDuration(typeof scanEvery === 'string' ? scanEvery : '10m');
  if (everyMs === undefined || everyMs < 60_000 || everyMs > 86_400_000)
    throw new CliError('--scan-every must be a duration between 1m and 24h, e.g. 10m');
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch {
    throw new CliError(`cannot read --agent-token-file ${tokenFile}`);
  }
  const sshdConfig = values['sshd-config'];
  return {
    standing: {
      resource,
      token,
      sshd: '/usr/sbin/sshd',
      sshdConfig: typeof sshdConfig === 'string' ? sshdConfig : '/etc/ssh/sshd_config',
      passwd: '/etc/passwd',
      group: '/etc/group',
      everyMs,
    },
  };
}
