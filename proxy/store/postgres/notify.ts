/**
 * Announcing a write to the other replicas in the statement that makes it: the write is a CTE
 * and the outer SELECT calls pg_notify once per row written. A NOTIFY is delivered when its
 * transaction commits and dropped when it rolls back, so an announcement never runs ahead of, or
 * survives without, its write; and with one statement there is no write left unannounced.
 */
import type { PgValue } from '../../shared/pg-driver.js';
import { encodeChange, type StoreChange } from '../change-feed.js';
import { CHANGE_CHANNEL } from './change-feed.js';

export type Announce = (change: StoreChange) => string;

export const announcer =
  (origin: string): Announce =>
  (change) =>
    encodeChange(origin, change);

/**
 * `write` (an INSERT/UPDATE/DELETE … RETURNING) wrapped so each returned row is announced with
 * the payload at parameter `$payloadParam`; the rows come back as written (plus `notified`).
 */
export const announced = (write: string, payloadParam: number) =>
  `WITH written AS (${write}) SELECT written.*, pg_notify('${CHANGE_CHANNEL}', $${payloadParam}::text) AS notified FROM written`;

export const withPayload = (params: PgValue[], payload: string): PgValue[] => [...params, payload];

/**
 * PostgreSQL's change-feed.ts `sessionDigest` of a text column: the same 22 characters (SHA-256,
 * base64url), so a statement that writes several sessions announces each by its own digest.
 */
const sessionDigestOf = (column: string) =>
  `substr(translate(encode(sha256(convert_to(${column}, 'UTF8')), 'base64'), '+/', '-_'), 1, 22)`;

/**
 * `write` (a write of sessions … RETURNING id) wrapped so each session written is announced by
 * its digest; `$prefixParam` is the announcement without the digest (`sessionsPrefix`).
 */
export const announcedSessions = (write: string, prefixParam: number) =>
  `WITH written AS (${write}) SELECT written.*, pg_notify('${CHANGE_CHANNEL}',
     $${prefixParam}::text || ${sessionDigestOf('written.id')}) AS notified FROM written`;

/** The start of every session announcement of this replica: the digest follows it. */
export const sessionsPrefix = (announce: Announce) => announce({ kind: 'session', digest: '' });

/**
 * `write` (… RETURNING `idColumn`) wrapped so each row written is announced by its own id;
 * `$prefixParam` is the announcement without the id (`announcePrefix`).
 */
export const announcedEach = (write: string, prefixParam: number, idColumn: string) =>
  `WITH written AS (${write}) SELECT written.*, pg_notify('${CHANGE_CHANNEL}',
     $${prefixParam}::text || written.${idColumn}) AS notified FROM written`;

/** The start of the announcements of `change` for each row: the row's id follows it. */
export const announcePrefix = (announce: Announce, change: Extract<StoreChange, { id: string }>) =>
  announce({ ...change, id: '' });
