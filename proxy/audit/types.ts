/** The audit log's data model and the persistence contract each store backend implements. */
import type { AuditCode } from './codes.js';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a caller records. `actor` is who did it (a user id, `system`, `admin-cli`), `target` what
 * it was done to (a request, grant or resource id). When the event is about a person other than
 * the actor (bob approves alice's request; the system ends her grant), `data.user` is that
 * person's user id: a filter by person finds both (AuditFilter.person). Callers must never put secrets here: no
 * tokens, passwords, cookies, credentials or assertions. The log is kept forever, is readable by
 * every auditor and is exported to other systems.
 */
export interface AuditEventInput {
  code: AuditCode;
  actor: string;
  target?: string | null;
  reason?: string | null;
  data?: Record<string, JsonValue>;
}

/** A stored event: the input plus its place in the hash chain. */
export interface AuditEvent {
  /** 1, 2, 3… without gaps: a gap means an event was deleted. */
  seq: number;
  /** Epoch ms when it was appended. */
  time: number;
  code: AuditCode;
  actor: string;
  target: string | null;
  reason: string | null;
  data: Record<string, JsonValue>;
  /** The previous event's hash (64 hex); 64 zeros for the first event. */
  prevHash: string;
  /** sha256 hex over prevHash and the canonical JSON of every field above (hash-chain.ts). */
  hash: string;
}

export interface AuditFilter {
  code?: string;
  actor?: string;
  /**
   * Events by or about this user id: the actor, or the person named by `data.user` (the
   * requester of an approved request, the holder of a revoked grant).
   */
  person?: string;
  target?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Only events with a larger seq (a cursor for reading forward). */
  afterSeq?: number;
  /** Only events with a smaller seq (a cursor for reading backward, newest first). */
  beforeSeq?: number;
  /** `asc` (default): oldest first; `desc`: newest first. */
  order?: 'asc' | 'desc';
  limit: number;
}

export interface AuditRepository {
  /** The event with the highest seq. */
  last(): Promise<AuditEvent | undefined>;
  /** Fails when `seq` exists already: the chain cannot fork even if a caller skips atomic(). */
  insert(event: AuditEvent): Promise<void>;
  list(filter: AuditFilter): Promise<AuditEvent[]>;
  /** Events with seq ≥ `fromSeq` in seq order, at most `limit`: how verify and export page. */
  scan(fromSeq: number, limit: number): Promise<AuditEvent[]>;
}
