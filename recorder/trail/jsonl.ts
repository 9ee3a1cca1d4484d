/**
 * The trail as JSON: one shape for the API, the JSON-lines export and anything that reads them.
 * Times are ISO 8601 (UTC); everything else is the record as stored.
 */
import type { StoredTrailRecord, TrailRecord } from './record.js';

export function trailJson(record: TrailRecord | StoredTrailRecord) {
  return { ...record, time: new Date(record.time).toISOString() };
}

export type TrailJson = ReturnType<typeof trailJson>;

/** One line (with its newline) of the JSON-lines export. */
export const jsonLine = (record: TrailRecord | StoredTrailRecord): string =>
  JSON.stringify(trailJson(record)) + '\n';

/** A whole JSON-lines document: one record per line, in the order given. */
export const toJsonLines = (records: readonly (TrailRecord | StoredTrailRecord)[]): string =>
  records.map(jsonLine).join('');
