/**
 * One row of the web session trail: a request the gateway forwarded (or a WebSocket it tunnelled)
 * under a grant, tied to the person, the grant and the resource. Only exchanges that reached the
 * upstream, or failed there, are trail rows: refusals are already in the metrics and audit log.
 * Secrets never get here: no cookies, no authorization headers, redacted query and body.
 */
export type TrailKind = 'http' | 'websocket';

/**
 * How the exchange ended, as far as the trail knows:
 * - `complete`: it ran to its end (whatever its status);
 * - `cut`: it stopped before its answer was whole: the app failed or closed mid-answer (chunked
 *   or with a Content-Length alike), the client left, the grant ended;
 * - `open`: still going: WebSockets and long exchanges are written when they open, and written
 *   again when they end;
 * - `crashed`: the proxy stopped without a goodbye while it was open; `durationMs` runs to the
 *   last moment the proxy was known alive.
 */
export type TrailEnd = 'complete' | 'cut' | 'open' | 'crashed';

/** Why a request body was stored only in part, or not at all. */
export type TrailBodyNote = 'truncated' | 'not_redactable';

export interface TrailBody {
  /** The request's Content-Type, as sent (cut at 200 characters). */
  contentType: string;
  /** Bytes the client sent; may be more than were kept. */
  size: number;
  /** The redacted text; null when it could not be redacted safely and so was not kept. */
  text: string | null;
  note?: TrailBodyNote;
}

export interface TrailRecord {
  /** When the exchange started, epoch ms. */
  time: number;
  grantId: string;
  userId: string;
  resourceId: string;
  kind: TrailKind;
  method: string;
  /** Path as requested, without the query. */
  path: string;
  /** The query string without "?", configured parameters replaced by REDACTED; "" for none. */
  query: string;
  /** The upstream's status (101 for an opened WebSocket); 502 when the upstream failed. */
  status: number;
  /** Request body bytes (WebSocket: client → app bytes), so far while open. */
  bytesIn: number;
  /** Response body bytes (WebSocket: app → client bytes); -1 when not known. */
  bytesOut: number;
  durationMs: number;
  /** The upstream origin and base path the exchange went to. */
  upstream: string;
  clientAddress: string;
  userAgent: string;
  /** WebSocket data messages client → app, and app → client; 0 for plain HTTP. */
  wsMessagesIn: number;
  wsMessagesOut: number;
  ended: TrailEnd;
  /** Only for resources that opted in, and only for mutating methods. */
  body?: TrailBody;
}

/** A record as stored: the store adds a sequence id, increasing in insertion order. */
export interface StoredTrailRecord extends TrailRecord {
  id: number;
}
