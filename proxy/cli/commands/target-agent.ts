/**
 * `jitgate target-agent --url URL`: the jitgate guard's agent on an SSH target (target-agent.ts).
 * Runs until SIGINT/SIGTERM; run it as root from systemd beside sshd (docs/terminals.md).
 */
import { createLogger } from '../../shared/logger.js';
import { parseDuration } from '../../shared/duration.js';
import { TargetAgent } from '../../target/target-agent.js';
import { parseCommand } from '../args.js';
import { CliError } from '../exit-codes.js';

const USAGE =
  'jitgate target-agent --url URL [--revoked-keys /etc/ssh/jitgate_revoked_keys] [--sessions /run/jitgate-guard] [--every 1s]';

export async function targetAgent(args: string[]): Promise<() => Promise<void>> {
  const parsed = parseCommand(
    args,
    {
      'revoked-keys': { type: 'string' },
      sessions: { type: 'string' },
      every: { type: 'string' },
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
    revokedKeysFile: values['revoked-keys'] ?? '/etc/ssh/jitgate_revoked_keys',
    sessionsDir: values.sessions ?? '/run/jitgate-guard',
    everyMs,
    log: createLogger(),
  });
  await agent.start();
  return () => agent.stop();
}
