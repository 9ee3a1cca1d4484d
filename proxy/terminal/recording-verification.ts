/**
 * Whether a terminal session's recording verifies, as the API, the portal and `jitgate recordings
 * verify` report it: the recorder's one check (verifyDigest) given what the session's row knows,
 * its id and the checksum stored and audited at `session.ended`. A seal alone cannot tell
 * another session's files copied over these, nor a file jitgate was made to seal again.
 */
import type {
  CastVerification,
  ExpectedRecording,
  RecordingStorage,
} from '../../recorder/asciicast/index.js';
import type { TerminalSessionRecord } from './session-record.js';

/** What recording `id` must be: bound to that id, and to its row's checksum when it has one. */
export const expectedRecording = (
  id: string,
  row: Pick<TerminalSessionRecord, 'checksum'> | undefined,
): ExpectedRecording => ({ recording: id, storedSha256: row?.checksum ?? null });

/** The session's recording checked; null when it was never sealed (live, failed, not recorded). */
export async function verifySessionRecording(
  row: Pick<TerminalSessionRecord, 'id' | 'checksum' | 'recordingState'>,
  storage: Pick<RecordingStorage, 'verify'>,
): Promise<CastVerification | null> {
  if (row.recordingState !== 'complete' && row.recordingState !== 'recovered') return null;
  return storage.verify(row.id, row.checksum);
}
