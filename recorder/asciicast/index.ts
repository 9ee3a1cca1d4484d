/** Terminal recordings: asciicast v2 writer and reader, storage, seals, and crash recovery. */
export { type CastFile, type CastFiles, diskFiles } from './files.js';
export {
  eventLine,
  headerLine,
  type CastCode,
  type CastEvent,
  type CastHeader,
  type CastIdentity,
} from './format.js';
export { CastParseError, outputText, parseCast, type ParsedCast } from './reader.js';
export { recoverRecordings, type RecoveredRecording, type RecoveryResult } from './recovery.js';
export {
  keyIdOf,
  parseSignature,
  sealRecording,
  signedMessage,
  verifyRecording,
  VERIFY_FAILURES,
  type CastSignature,
  type CastVerification,
  type ExpectedRecording,
  type VerifyFailure,
} from './signature.js';
export {
  isRecordingId,
  newRecordingId,
  RecordingStorage,
  type RecordingArchive,
  type StartedRecording,
  type WriterTuning,
} from './storage.js';
export { CastWriter, type ClosedCast } from './writer.js';
