/**
 * HAR 1.2 export of a trail (http://www.softwareishard.com/blog/har-12-spec/), readable by
 * browser dev tools and HAR viewers. The trail keeps no headers beyond the user agent, no
 * cookies and no response bodies, so those parts are empty and sizes are body sizes; jitgate's
 * own facts ride in `_`-prefixed fields, which the spec reserves for custom data.
 */
import { STATUS_CODES } from 'node:http';
import type { StoredTrailRecord, TrailEnd, TrailRecord } from './record.js';

/** HAR viewers show an entry's comment: the ends that are not a whole exchange say so there. */
const END_COMMENTS: Partial<Record<TrailEnd, string>> = {
  cut: 'cut: the exchange stopped before its answer was whole',
  open: 'open: still under way when this was exported',
  crashed: 'crashed: jitgate stopped while this was open; time runs to its last moment alive',
};

export interface HarOptions {
  /** The origin people used for a record's resource, e.g. http://payroll.localhost:8080. */
  origin(record: TrailRecord): string;
  creatorVersion: string;
  comment?: string;
}

function queryString(query: string): { name: string; value: string }[] {
  return [...new URLSearchParams(query)].map(([name, value]) => ({ name, value }));
}

export function harEntry(record: TrailRecord | StoredTrailRecord, origin: string) {
  const url = `${origin}${record.path}${record.query === '' ? '' : `?${record.query}`}`;
  const bodyText = record.body?.text ?? undefined;
  const bytesOut = Math.max(record.bytesOut, 0);
  return {
    startedDateTime: new Date(record.time).toISOString(),
    time: record.durationMs,
    request: {
      method: record.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: record.userAgent === '' ? [] : [{ name: 'User-Agent', value: record.userAgent }],
      queryString: queryString(record.query),
      ...(bodyText !== undefined && record.body
        ? { postData: { mimeType: record.body.contentType, text: bodyText } }
        : {}),
      headersSize: -1,
      bodySize: record.bytesIn,
    },
    response: {
      status: record.status,
      statusText: STATUS_CODES[record.status] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      content: { size: bytesOut, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: record.bytesOut,
    },
    cache: {},
    timings: { send: 0, wait: record.durationMs, receive: 0 },
    ...(END_COMMENTS[record.ended] ? { comment: END_COMMENTS[record.ended] } : {}),
    _kind: record.kind,
    _ended: record.ended,
    _grant: record.grantId,
    _user: record.userId,
    _resource: record.resourceId,
    _upstream: record.upstream,
    _clientAddress: record.clientAddress,
    ...(record.kind === 'websocket'
      ? { _wsMessagesIn: record.wsMessagesIn, _wsMessagesOut: record.wsMessagesOut }
      : {}),
    ...(record.body?.note ? { _bodyNote: record.body.note } : {}),
  };
}

export type HarEntry = ReturnType<typeof harEntry>;

function harLog(options: HarOptions, entries: HarEntry[]) {
  return {
    log: {
      version: '1.2',
      creator: { name: 'jitgate', version: options.creatorVersion },
      ...(options.comment ? { comment: options.comment } : {}),
      entries,
    },
  };
}

export type Har = ReturnType<typeof harLog>;

/** A whole HAR document for `records`, in the order given. */
export function toHar(records: readonly TrailRecord[], options: HarOptions): Har {
  return harLog(
    options,
    records.map((r) => harEntry(r, options.origin(r))),
  );
}

/**
 * The HAR document around its entries, as two strings: streaming writes `opening`, the entries'
 * JSON separated by commas, then `closing`, and never holds a long trail in memory.
 */
export function harFrame(options: HarOptions): { opening: string; closing: string } {
  const empty = JSON.stringify(harLog(options, []));
  const at = empty.lastIndexOf('[]');
  return { opening: empty.slice(0, at + 1), closing: empty.slice(at + 1) };
}
