/**
 * How replicas hear of each other's writes. A repository that changes something a replica keeps
 * in memory (a grant, a session, a request) announces it in the same transaction as the write;
 * every other replica hears it once the transaction commits and reloads that one thing from the
 * store. On PostgreSQL the announcement is a NOTIFY and each replica holds one LISTEN connection
 * (postgres/change-feed.ts); on SQLite there is one process, which applies its own changes where
 * it makes them, so the feed is in-process and never behind (InProcessChangeFeed below).
 *
 * A replica applies its own changes directly (synchronously, after the commit), so subscribers
 * hear only the changes of other replicas (which tell their streams with `remote: true`, so
 * nothing is told twice and work done once, like webhooks, stays with the replica that wrote). Payloads carry ids, never secrets: a session is named
 * by a digest of its id.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The stages of a break-glass grant that replicas tell their event streams of. */
export type BreakGlassChangeStage = 'started' | 'reviewed' | 'overdue';

export type StoreChange =
  | { kind: 'grant'; id: string }
  | { kind: 'session'; digest: string }
  | { kind: 'request'; id: string }
  /** A terminal session asked to end, watched, or its relayed output (terminal/relay-record.ts). */
  | { kind: 'terminal'; id: string }
  /** A bearer token (`tok_…`, its id: not a secret) was revoked: what it holds ends. */
  | { kind: 'token'; id: string }
  /** A break-glass grant (`id`) reached `stage`: its record is reloaded and told once. */
  | { kind: 'break_glass'; id: string; stage: BreakGlassChangeStage }
  /**
   * A grant (`id`) ended (`end`) on another replica, but the store refused the write: every
   * replica holds it ended until the store records it (access/pending-revocations.ts). No write
   * carries this one: it is announced by itself (`ChangeFeed.announce`).
   */
  | { kind: 'grant_end'; id: string; end: GrantEndWaiting; actor: string };

/** How a grant whose end waits for the store ended. */
export type GrantEndWaiting = 'released' | 'revoked';

export interface ChangeSubscriber {
  /** Another replica committed `change`: reload it. Must not throw (errors are its own to log). */
  changed(change: StoreChange): void;
  /**
   * Changes may have been missed (the feed reconnected): reload everything kept in memory.
   * A rejection keeps the replica behind, and the feed tries again.
   */
  resync(): Promise<void>;
  /**
   * Resolves once the changes heard so far are applied (their reloads done); never rejects.
   * A catch-up (below) waits for it. Absent for subscribers that keep nothing access is decided
   * on, or apply each change before `changed` returns.
   */
  settled?(): Promise<void>;
}

export interface ChangeFeed {
  /** This replica's name in the announcements it makes (random per process). */
  readonly origin: string;
  /** Starts hearing changes; resolves once this replica hears every later commit. */
  start(): Promise<void>;
  subscribe(subscriber: ChangeSubscriber): () => void;
  /**
   * Whether this replica has heard every change committed more than the feed's bound ago. When
   * false, what it keeps in memory may be stale and it must not admit anyone on it.
   */
  isCurrent(): boolean;
  /**
   * Resolves once every change committed before the call has been heard and applied here, so a
   * replica about to refuse someone first sees what another replica just granted them (the
   * portal there sent them here). Rejects when that cannot be known within FEED_STALE_AFTER_MS.
   * Undefined when there is nothing to catch up with: one process applies its own changes.
   */
  catchUp(): Promise<void> | undefined;
  /** A change could not be applied: start over (reload everything) as after a lost connection. */
  restart(): void;
  /**
   * Tells the other replicas of a change that no write carries (a grant end the store refused);
   * rejects when it could not be sent.
   */
  announce(change: StoreChange): Promise<void>;
  close(): Promise<void>;
}

/** How long a replica may go unsure of its feed before it refuses traffic (docs/deployment.md). */
export const FEED_STALE_AFTER_MS = 1_000;

export const newOrigin = () => randomBytes(9).toString('base64url');

/** A session is announced by this digest of its id: the id itself is a credential. */
export const sessionDigest = (sid: string) =>
  createHash('sha256').update(sid).digest('base64url').slice(0, 22);

const ID = /^[A-Za-z0-9_-]{1,128}$/;
/**
 * An actor is up to 1000 characters (the audit log's bound), 4000 bytes at most: 5334 in
 * base64url, and the whole announcement stays under NOTIFY's 8000 bytes. An end whose actor did
 * not fit would be dropped by every replica that heard it, and they would go on admitting.
 */
const ACTOR = /^[A-Za-z0-9_-]{0,5334}$/;

const BREAK_GLASS_STAGES: readonly string[] = ['started', 'reviewed', 'overdue'];
const isBreakGlassStage = (value: string): value is BreakGlassChangeStage =>
  BREAK_GLASS_STAGES.includes(value);

export function encodeChange(origin: string, change: StoreChange): string {
  const id = change.kind === 'session' ? change.digest : change.id;
  // The stage rides in the kind word: what happened, not what the record says now (a reload
  // may already see a later stage).
  const kind =
    change.kind === 'break_glass'
      ? `break_glass.${change.stage}`
      : change.kind === 'grant_end'
        ? `grant_end.${change.end}`
        : change.kind;
  // A grant end names who ended it (any text): base64url, as a fourth word.
  const actor =
    change.kind === 'grant_end' ? ` ${Buffer.from(change.actor).toString('base64url')}` : '';
  return `${origin} ${kind} ${id}${actor}`;
}

/** Parses an announcement; undefined for anything malformed (it is dropped, never trusted). */
export function decodeChange(payload: string): { origin: string; change: StoreChange } | undefined {
  const [origin, kind, id, actor, ...rest] = payload.split(' ');
  if (rest.length > 0 || origin === undefined || id === undefined) return undefined;
  if (!ID.test(origin) || !ID.test(id)) return undefined;
  if (kind === 'grant_end.released' || kind === 'grant_end.revoked') {
    if (actor === undefined || !ACTOR.test(actor)) return undefined;
    const end = kind === 'grant_end.released' ? 'released' : 'revoked';
    const by = Buffer.from(actor, 'base64url').toString('utf8');
    return { origin, change: { kind: 'grant_end', id, end, actor: by } };
  }
  if (actor !== undefined) return undefined;
  if (kind === 'grant' || kind === 'request' || kind === 'terminal' || kind === 'token')
    return { origin, change: { kind, id } };
  if (kind === 'session') return { origin, change: { kind, digest: id } };
  const stage = kind?.startsWith('break_glass.') ? kind.slice('break_glass.'.length) : undefined;
  if (stage !== undefined && isBreakGlassStage(stage))
    return { origin, change: { kind: 'break_glass', id, stage } };
  return undefined;
}

/** One process (SQLite): every change is local and already applied, so nothing is ever missed. */
export class InProcessChangeFeed implements ChangeFeed {
  readonly origin = newOrigin();
  private readonly subscribers = new Set<ChangeSubscriber>();

  start(): Promise<void> {
    return Promise.resolve();
  }

  subscribe(subscriber: ChangeSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  isCurrent(): boolean {
    return true;
  }

  catchUp(): undefined {
    return undefined;
  }

  restart(): void {}

  /** One process: there is no other replica to tell. */
  announce(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.subscribers.clear();
    return Promise.resolve();
  }
}
