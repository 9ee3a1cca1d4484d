/**
 * At start-up, before the first request: what the previous process on this state folder left
 * open was ended by a crash (a clean stop leaves nothing open). Its terminal sessions end and
 * their recordings are sealed, flagged `recovered`; its open trail rows become `crashed`. Both
 * end at the last moment that process was known alive (its heartbeat), not at this restart.
 */
import type { TrailRepository } from '../trail/trail-repository.js';
import type { Logger } from '../shared/logger.js';
import type { StoppedInstance } from '../store/types.js';
import type { SessionEnding } from '../terminal/session-ending.js';

export interface CrashRecoveryDeps {
  previous: StoppedInstance | undefined;
  trail: Pick<TrailRepository, 'markCrashed'>;
  terminals: Pick<SessionEnding, 'recover'>;
  log: Logger;
}

export async function recoverAfterCrash(deps: CrashRecoveryDeps): Promise<void> {
  const { previous, log } = deps;
  const sessions = await deps.terminals.recover(previous);
  // A process that never beat left nothing open: it had not served yet.
  const rows =
    previous?.aliveAt === undefined
      ? 0
      : await deps.trail.markCrashed(previous.id, previous.aliveAt);
  if (sessions > 0 || rows > 0)
    log.warn('ended what a crash left open', {
      instance: previous?.id,
      aliveAt: previous?.aliveAt === undefined ? undefined : new Date(previous.aliveAt),
      terminalSessions: sessions,
      trailRows: rows,
    });
}
