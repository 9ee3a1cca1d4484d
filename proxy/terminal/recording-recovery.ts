/**
 * At start-up, the recordings with an `.open` marker: sealed (flagged `recovered`) only when the
 * crashed process left their session live in the store, the one case a crash explains. A marker
 * beside the recording of a session that ended is no crash's doing (a failed recording keeps its
 * own; anyone who can write the folder can drop one beside an edited file): sealing it would sign
 * whatever the file holds now. So it is never re-signed; the operator is told once and the marker
 * removed, and verification goes on judging the file against the checksum stored at its end. A
 * marker of a session live on another process, or with no session row yet, is left alone.
 */
import {
  recoverRecordings,
  type RecoveredRecording,
  type RecordingStorage,
} from '../../recorder/asciicast/index.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { TerminalSessionRecord } from './session-record.js';

export interface RecordingRecoveryDeps {
  storage: RecordingStorage;
  store: Pick<Store, 'terminalSessions'>;
  log: Logger;
}

/** `live`: the sessions the crashed process left live; answers their sealed recordings by id. */
export async function recoverOpenRecordings(
  deps: RecordingRecoveryDeps,
  live: readonly TerminalSessionRecord[],
): Promise<Map<string, RecoveredRecording>> {
  const { recovered, notLive } = await recoverRecordings(
    deps.storage,
    new Set(live.map((row) => row.id)),
  );
  for (const id of notLive) await leftOpen(deps, id);
  return new Map(recovered.map((r) => [r.id, r]));
}

async function leftOpen({ storage, store, log }: RecordingRecoveryDeps, id: string) {
  const row = await store.terminalSessions.get(id);
  if (!row) {
    log.warn('recording left open without a session row: not sealed', { recording: id });
    return;
  }
  if (row.state === 'live') return; // another process is still writing it
  const fields = {
    recording: id,
    recordingState: row.recordingState,
    sha256: row.checksum,
    bytes: row.bytes,
  };
  // Verification goes on comparing the file with the checksum stored at the session's end.
  if (row.recordingState === 'failed') log.warn('recording failed earlier: stays unsealed', fields);
  else
    log.error('open marker beside an ended session’s recording: not sealed again', {
      ...fields,
      hint: 'the recording may have been altered since its session ended',
    });
  await storage.dropMarker(id);
}
