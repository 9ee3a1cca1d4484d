/**
 * What replicas tell each other about terminal sessions through the store, so that a session
 * held by one replica (its ssh runs there) can be watched and terminated from any other:
 * a request to end it (once, naming who asked), which replicas watch it and until when, and the
 * output the holder publishes while somebody elsewhere watches (the last few chunks only).
 * Every store backend implements TerminalRelayRepository; each write a replica must hear of is
 * announced on the change feed as `{ kind: 'terminal', id: <session id> }`.
 */

/** Someone asked, at another replica, for a live session to end. */
export interface StopRequest {
  /** The user id of who asked (the `session.ended` actor). */
  by: string;
  /** What the person at the terminal and the watchers are told. */
  message: string;
  at: number;
}

/** A replica that watches a session (for its own auditors), until a moment it renews. */
export interface RelayWatcher {
  instance: string;
  until: number;
}

export type RelayChunkKind = 'output' | 'control';

export interface RelayChunk {
  /** Increases with every chunk published (across sessions): a reader asks for those after. */
  seq: number;
  kind: RelayChunkKind;
  /** Terminal output, or a control message as JSON. */
  data: string;
}

/** How many chunks of one session are kept: older ones are dropped as new ones arrive. */
export const RELAY_CHUNKS_KEPT = 64;

/**
 * How long a stop request is kept while its session stays live. Whoever asked waits seconds for
 * the end (remote-sessions.ts); one still unanswered after this is for a holder that is gone or
 * missed it, and the asker was told the end is unconfirmed: it is no longer worth acting on.
 */
export const STOP_REQUEST_KEPT_MS = 60 * 60_000;

export interface TerminalRelayRepository {
  /**
   * Records that `stop.by` asks the live session `id` to end, and announces it. The first request
   * wins: resolves false when the session is unknown, ended, or already asked to end.
   */
  requestStop(id: string, stop: StopRequest): Promise<boolean>;
  stopRequest(id: string): Promise<StopRequest | undefined>;
  /**
   * Deletes the stop requests answered (their session is no longer live) and those asked
   * STOP_REQUEST_KEPT_MS or longer before `now`; returns how many (the periodic purge calls it).
   */
  purgeStops(now: number): Promise<number>;
  /** Replica `instance` watches `sessionId` until `until` (renewed by watching again); announced. */
  watch(sessionId: string, instance: string, until: number): Promise<void>;
  /** Replica `instance` no longer watches `sessionId`; announced. */
  unwatch(sessionId: string, instance: string): Promise<void>;
  /** The replicas watching `sessionId` and until when, by instance id. */
  watchers(sessionId: string): Promise<RelayWatcher[]>;
  /** Appends `chunks` in order (keeping the last RELAY_CHUNKS_KEPT), announced once. */
  publish(
    sessionId: string,
    chunks: readonly { kind: RelayChunkKind; data: string }[],
    at: number,
  ): Promise<void>;
  /** The chunks after `afterSeq`, oldest first, at most `limit`. */
  chunksAfter(sessionId: string, afterSeq: number, limit: number): Promise<RelayChunk[]>;
  /** The seq of the last chunk published for `sessionId`; 0 when there is none. */
  lastSeq(sessionId: string): Promise<number>;
  /** Forgets the watches and chunks of a session that ended, and announces it. */
  clear(sessionId: string): Promise<void>;
}
