/**
 * One replica's memory on a real PostgreSQL, wired as start.ts wires it: its own store (pool +
 * LISTEN connection), grant book, session cache, event bus, held grant ends and grant service,
 * kept current by the change feed. Several of these on one database are several replicas.
 */
import { AccessEvents, type AccessEvent } from '../../proxy/access/events.js';
import { GrantBook, type GrantEndReason } from '../../proxy/access/grant-book.js';
import { GrantService } from '../../proxy/access/grant-service.js';
import { PendingRevocations } from '../../proxy/access/pending-revocations.js';
import { AuditLog } from '../../proxy/audit/audit-log.js';
import { SessionCache } from '../../proxy/identity/session-cache.js';
import { wireReplicaSync } from '../../proxy/server/replica-wiring.js';
import { silentLogger } from '../../proxy/shared/logger.js';
import {
  openPostgresStore,
  type PostgresStore,
} from '../../proxy/store/postgres/postgres-store.js';
import type { StoreChange } from '../../proxy/store/change-feed.js';
import { startTestPostgres, type TestPostgres } from './postgres.js';
import { personRecord } from './person.js';

const now = () => Date.now();

export interface FeedReplica {
  store: PostgresStore;
  book: GrantBook;
  sessions: SessionCache;
  events: AccessEvents;
  grants: GrantService;
  /** Grant ends waiting for the store: this replica's, and those it heard of. */
  revocations: PendingRevocations;
  ended: { id: string; reason: GrantEndReason }[];
  /** Resolves with the next change of `kind` this replica hears from the other (once applied). */
  nextChange(kind: StoreChange['kind']): Promise<StoreChange>;
  /** Resolves with the next event of `type` on this replica's bus. */
  nextEvent(type: AccessEvent['type']): Promise<AccessEvent>;
  close(): Promise<void>;
}

/** A replica named `name` (its connections' application_name) on the database at `url`. */
export async function feedReplica(url: string, name: string): Promise<FeedReplica> {
  const store = await openPostgresStore({ url, applicationName: name });
  await store.changes.start();
  const book = new GrantBook(store.changes);
  const sessions = new SessionCache(store.sessions, {
    maxAgeMs: 3_600_000,
    idleTimeoutMs: 3_600_000,
    now,
  });
  const events = new AccessEvents();
  const ended: FeedReplica['ended'] = [];
  book.onEnd((grant, reason) => ended.push({ id: grant.id, reason }));
  const audit = new AuditLog(store.audit, store, now);
  const revocations = new PendingRevocations({
    store,
    audit,
    log: silentLogger,
    now,
    changes: store.changes,
  });
  // Grants read through the ends held waiting for the store, as access-wiring.ts wires it.
  const overlay = revocations.overlay(store);
  const stop = await wireReplicaSync({
    store: overlay,
    book,
    revocations,
    sessions,
    events,
    log: silentLogger,
    now,
  });
  const grants = new GrantService({
    policies: [],
    store: overlay,
    book,
    audit,
    events,
    revocations,
    now,
    resourceExists: () => true,
  });
  await grants.load();
  return {
    store,
    revocations,
    book,
    sessions,
    events,
    grants,
    ended,
    nextChange: (kind) =>
      new Promise((resolve) => {
        // Subscribed after the replica's own sync: it hears the change once that applied it
        // (a grant reload is async: the test waits for the book's listeners instead). Only
        // `kind`: an earlier test's last announcement may still be on its way.
        const off = store.changes.subscribe({
          changed: (change) => {
            if (change.kind !== kind) return;
            off();
            resolve(change);
          },
          resync: () => Promise.resolve(),
        });
      }),
    nextEvent: (type) =>
      new Promise((resolve) => {
        const off = events.on((event) => {
          if (event.type !== type) return;
          off();
          resolve(event);
        });
      }),
    async close() {
      stop();
      await store.close();
    },
  };
}

/** Two replicas (A and B) on a new database of a real PostgreSQL, with alice known to both. */
export async function twoReplicas(): Promise<{
  pg: TestPostgres;
  a: FeedReplica;
  b: FeedReplica;
  /** Closes both replicas, then the PostgreSQL. */
  stop: () => Promise<void>;
}> {
  const pg = await startTestPostgres();
  const url = await pg.createDatabase();
  const a = await feedReplica(url, 'replica-a');
  const b = await feedReplica(url, 'replica-b');
  await a.store.users.upsert(personRecord('demo:alice', now()));
  const stop = async () => {
    await a.close();
    await b.close();
    await pg.stop();
  };
  return { pg, a, b, stop };
}

/** Resolves once `condition` holds (checked every 20 ms; the suite's guard bounds the wait). */
export const waitFor = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
};

/** An admin's grant of `resource` to alice for ten minutes, made on `replica` (no policies here). */
export const adminGrantToAlice = (replica: FeedReplica, resource: string) =>
  replica.grants.grant({
    force: true,
    user: 'alice',
    resource,
    durationMs: 600_000,
    actor: 'admin',
  });
