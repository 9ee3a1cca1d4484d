/** The web session trail: record type, redaction, the bounded writer, and the exporters. */
export type {
  StoredTrailRecord,
  TrailBody,
  TrailBodyNote,
  TrailEnd,
  TrailKind,
  TrailRecord,
} from './record.js';
export { BodyCapture } from './body-capture.js';
export { FrameCounter } from './frame-counter.js';
export { harEntry, harFrame, toHar, type Har, type HarEntry, type HarOptions } from './har.js';
export { jsonLine, toJsonLines, trailJson, type TrailJson } from './jsonl.js';
export { redactBody, redactJson, redactJsonValue, type BodyInput } from './redact-body.js';
export { REDACTED, redactionSet, redactPath, redactQuery, SECRET_WORDS } from './redact-query.js';
export { TrailWriter, type Timers, type TrailWriterOptions } from './writer.js';
