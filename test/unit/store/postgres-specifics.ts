/**
 * What only PostgreSQL can show, beyond the shared contract: a rollback that itself fails
 * (the backend is killed mid-transaction) never hides the error work threw, and the log hears
 * both; a dead connection
 * answers 503; a call made after its transaction ended is refused; a transaction whose statement
 * failed never reports a commit; nested atomic() is a savepoint; replicas starting together
 * migrate once; a dedicated connection hears NOTIFY. Registered by postgres-store.test.ts, which
 * owns the cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pgDriver from 'pg';
import { JitgateError } from '../../../proxy/shared/errors.js';
import { createLogger } from '../../../proxy/shared/logger.js';
import { MIGRATIONS } from '../../../proxy/store/postgres/migrations.js';
import {
  openPostgresStore,
  type PostgresStore,
} from '../../../proxy/store/postgres/postgres-store.js';
import type { TestPostgres } from '../../support/postgres.js';

const T0 = 1_700_000_000_000;

export function postgresSpecifics(postgres: () => Promise<TestPostgres>): void {
  void describe('postgres transactions', () => {
    let pg: TestPostgres;
    let store: PostgresStore;
    const APP = 'jitgate-victim';
    /** Kills the backend of the transaction in progress, as a crash or failover would. */
    const killTransaction = () =>
      pg.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE application_name = $1 AND state LIKE 'idle in transaction%'`,
        [APP],
      );

    /** What the store logged, as parsed lines. */
    const logged: Record<string, unknown>[] = [];
    const log = createLogger({
      write: (line) => logged.push(JSON.parse(line) as Record<string, unknown>),
    });

    before(async () => {
      pg = await postgres();
      store = await openPostgresStore({
        url: await pg.createDatabase(),
        applicationName: APP,
        log,
      });
    });
    after(() => store?.close());

    void test('when rollback itself fails, the error work threw still wins', async () => {
      const failure = new Error('the action failed');
      await assert.rejects(
        store.atomic(async () => {
          await store.settings.putIfAbsent('victim', 'lost');
          const [killed] = await killTransaction();
          assert.equal(killed?.pg_terminate_backend, true, 'the transaction was killed');
          throw failure;
        }),
        (error) => error === failure,
      );
      const said = logged.find((line) => line.msg === 'store rollback failed');
      assert.equal(said?.level, 'error', 'the failed rollback is logged');
      assert.equal(
        (said?.cause as { message?: string }).message,
        failure.message,
        'beside its cause',
      );
      assert.equal(await store.settings.get('victim'), undefined);
      // The dead connection was not handed back: the next transactions work.
      await store.atomic(() => store.settings.putIfAbsent('after-kill', 'ok'));
      assert.equal(await store.settings.get('after-kill'), 'ok');
    });

    void test('a statement on a dead connection answers 503 store_unavailable', async () => {
      const thrown = await store
        .atomic(async () => {
          await store.settings.get('anything');
          await killTransaction();
          return store.settings.get('anything');
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(thrown instanceof JitgateError, String(thrown));
      assert.equal(thrown.status, 503);
      assert.equal(thrown.code, 'store_unavailable');
    });

    void test('a store call made after its transaction ended is refused, not run alone', async () => {
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let late: Promise<string> | undefined;
      await assert.rejects(
        store.atomic(async () => {
          late = gate.then(() => store.settings.putIfAbsent('late', 'written outside'));
          throw new Error('work gave up');
        }),
        /work gave up/,
      );
      release();
      await assert.rejects(late ?? Promise.resolve(), /after its atomic\(\) transaction had ended/);
      assert.equal(await store.settings.get('late'), undefined);
    });

    void test('work that carries on after a failed statement commits nothing', async () => {
      const user = { ...userRow('carry-on') };
      await store.users.upsert(user);
      const grant = grantRow('grt-carry-on', user.id);
      await store.grants.insert(grant);
      await assert.rejects(
        store.atomic(async () => {
          await store.settings.putIfAbsent('carried-on', 'lost');
          await store.grants.insert(grant).catch(() => undefined); // the id is taken
          return 'as if nothing happened';
        }),
        (error: unknown) => (error as { code?: string }).code === '23505',
      );
      assert.equal(await store.settings.get('carried-on'), undefined);
    });

    void test('a nested atomic is a savepoint: its failure undoes only its own writes', async () => {
      await store.atomic(async () => {
        await store.settings.putIfAbsent('outer-before', 'kept');
        await assert.rejects(
          store.atomic(async () => {
            await store.settings.putIfAbsent('inner', 'undone');
            throw new Error('inner failed');
          }),
          /inner failed/,
        );
        await assert.rejects(
          store.atomic(() => store.grants.insert(grantRow('grt-no-user', 'corp:nobody'))),
        );
        await store.atomic(() => store.settings.putIfAbsent('inner-ok', 'kept'));
        await store.settings.putIfAbsent('outer-after', 'kept');
      });
      assert.equal(await store.settings.get('outer-before'), 'kept');
      assert.equal(await store.settings.get('inner'), undefined);
      assert.equal(await store.settings.get('inner-ok'), 'kept');
      assert.equal(await store.settings.get('outer-after'), 'kept');
    });
  });

  void describe('postgres migrations and connections', () => {
    let pg: TestPostgres;
    before(async () => {
      pg = await postgres();
    });

    void test('replicas starting together migrate once; reopening applies nothing', async () => {
      const url = await pg.createDatabase();
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url })));
      await Promise.all(stores.map((s) => s.close()));
      const reopened = await openPostgresStore({ url });
      const rows = await reopened.db.all('SELECT version, name FROM jitgate_migrations');
      await reopened.close();
      assert.deepEqual(
        rows.map((row) => Number(row.version)).sort((a, b) => a - b),
        MIGRATIONS.map((_, i) => i + 1),
      );
    });

    void test('a recording archived as base64 before migration 021 is still read', async () => {
      const url = await pg.createDatabase();
      const store = await openPostgresStore({ url, applicationName: 'legacy-recording' });
      const client = new pgDriver.Client({ connectionString: url });
      await client.connect();
      try {
        const cast = Buffer.from('{"version":2}\n[0.1,"o","hi"]\n');
        await client.query(
          'INSERT INTO recordings (id, cast_base64, signature, stored_at) VALUES ($1, $2, $3, $4)',
          ['ts_legacy', cast.toString('base64'), 'sig', T0],
        );
        const read = await store.recordings.get('ts_legacy');
        assert.ok(read?.cast.equals(cast));
        assert.equal(read?.signature, 'sig');
        const pieces: Buffer[] = [];
        for await (const piece of store.recordings.chunks('ts_legacy')) pieces.push(piece);
        assert.ok(Buffer.concat(pieces).equals(cast));
      } finally {
        await client.end();
        await store.close();
      }
    });

    void test('a database migrated by a newer jitgate is refused, with the reason', async () => {
      const url = await pg.createDatabase();
      const store = await openPostgresStore({ url });
      await store.db.run(
        'INSERT INTO jitgate_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [MIGRATIONS.length + 1, 'from-the-future', T0],
      );
      await store.close();
      await assert.rejects(openPostgresStore({ url }), /newer than this jitgate knows/);
    });

    void test('an unreachable server is 503 store_unavailable, and the URL stays out of it', async () => {
      const url = 'postgresql://jitgate:s3cret-pw@127.0.0.1:1/jitgate';
      const thrown = await openPostgresStore({ url }).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(thrown instanceof JitgateError, String(thrown));
      assert.equal(thrown.status, 503);
      assert.equal(thrown.code, 'store_unavailable');
      assert.doesNotMatch(`${String(thrown)} ${String(thrown.cause)}`, /s3cret|jitgate@/);
    });

    void test('a dedicated connection hears NOTIFY and reports its own end', async () => {
      const store = await openPostgresStore({
        url: await pg.createDatabase(),
        applicationName: 'jitgate-listener',
      });
      const listener = await store.db.dedicated();
      try {
        const heard = new Promise<[string, string]>((resolve) =>
          listener.onNotification((channel, payload) => resolve([channel, payload])),
        );
        const ended = new Promise<unknown>((resolve) => listener.onEnd(resolve));
        await listener.query('LISTEN jitgate_test');
        await store.db.query("SELECT pg_notify('jitgate_test', 'grant.revoked grt_1')");
        assert.deepEqual(await heard, ['jitgate_test', 'grant.revoked grt_1']);
        await pg.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND application_name = 'jitgate-listener'",
        );
        const reason = await ended;
        assert.ok(reason instanceof Error, 'the end carries why');
      } finally {
        await listener.close().catch(() => undefined);
        await store.close();
      }
    });
  });
}

function userRow(name: string) {
  return {
    id: `corp:${name}`,
    idp: 'corp',
    subject: name,
    username: name,
    email: null,
    name: null,
    groups: [],
    kind: 'person' as const,
    lastLoginAt: T0,
  };
}

function grantRow(id: string, userId: string) {
  return {
    id,
    userId,
    resourceId: 'payroll',
    startsAt: T0,
    endsAt: T0 + 60_000,
    reason: null,
    createdBy: 'test',
    createdAt: T0,
    revokedAt: null,
    revokedBy: null,
  };
}
