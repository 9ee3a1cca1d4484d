/**
 * The trail repository's contract, run against every store backend: batches are all or nothing,
 * rows read back exactly as written, filters and cursors select the same rows everywhere,
 * retention deletes only one resource's rows older than the cutoff, a long exchange's end
 * replaces its open row, and a crash marks only the crashed process's open rows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrailRecord } from '../../recorder/trail/index.js';
import type { TrailWrite } from '../../proxy/trail/trail-repository.js';
import type { GrantRecord, Store, UserRecord } from '../../proxy/store/types.js';
import { personRecord } from './person.js';

const T0 = Date.UTC(2025, 0, 10);

export const trailRow = (overrides: Partial<TrailWrite> = {}): TrailWrite => ({
  time: T0,
  grantId: 'grt_alice000001',
  userId: 'corp:alice',
  resourceId: 'payroll',
  kind: 'http',
  method: 'GET',
  path: '/',
  query: '',
  status: 200,
  bytesIn: 0,
  bytesOut: 10,
  durationMs: 1.5,
  upstream: 'http://10.0.0.5:8000',
  clientAddress: '127.0.0.1',
  userAgent: 'test',
  wsMessagesIn: 0,
  wsMessagesOut: 0,
  ended: 'complete',
  ...overrides,
});

const grantOf = (id: string, userId: string): GrantRecord => ({
  id,
  userId,
  resourceId: 'payroll',
  startsAt: T0,
  endsAt: T0 + 3_600_000,
  reason: 'contract',
  createdBy: 'test',
  createdAt: T0,
  revokedAt: null,
  revokedBy: null,
});

const userOf = (id: string): UserRecord => personRecord(id, T0);

export function trailContract(name: string, open: () => Promise<Store>): void {
  void describe(`trail repository: ${name}`, () => {
    const withStore = async (work: (store: Store) => Promise<void>) => {
      const store = await open();
      try {
        await work(store);
      } finally {
        await store.close();
      }
    };

    void test('rows read back as written, in order, bodies included', () =>
      withStore(async (store) => {
        const body = { contentType: 'application/json', size: 9, text: '{"a":"b"}' };
        const rows = [trailRow(), trailRow({ method: 'POST', body, durationMs: 0.123 })];
        await store.trail.insertMany(rows);
        const read = await store.trail.byGrant('grt_alice000001', {}, { limit: 10 });
        assert.deepEqual(
          read.map(({ id: _id, ...row }) => row),
          rows,
        );
        assert.ok((read[0]?.id ?? 0) < (read[1]?.id ?? 0));
      }));

    void test('rows come in the order exchanges started, not the order they were written', () =>
      withStore(async (store) => {
        // A WebSocket opened first is written when it closes, after the requests made meanwhile.
        await store.trail.insertMany([
          trailRow({ time: T0 + 20, path: '/b' }),
          trailRow({ time: T0 + 20, path: '/c' }),
          trailRow({ time: T0 + 10, path: '/ws', kind: 'websocket' }),
        ]);
        const asc = await store.trail.byGrant('grt_alice000001', {}, { limit: 2 });
        assert.deepEqual(
          asc.map((r) => r.path),
          ['/ws', '/b'],
        );
        const next = await store.trail.byGrant('grt_alice000001', {}, { limit: 2, after: asc[1] });
        assert.deepEqual(
          next.map((r) => r.path),
          ['/c'],
          'ties are broken by id',
        );
        const desc = await store.trail.search({}, { limit: 2, order: 'desc' });
        assert.deepEqual(
          desc.map((r) => r.path),
          ['/c', '/b'],
        );
        const older = await store.trail.search({}, { limit: 5, order: 'desc', before: desc[1] });
        assert.deepEqual(
          older.map((r) => r.path),
          ['/ws'],
        );
      }));

    void test('a batch is all or nothing', () =>
      withStore(async (store) => {
        const bad = trailRow({ kind: 'bogus' as TrailRecord['kind'] });
        await assert.rejects(store.trail.insertMany([trailRow(), bad]));
        assert.equal(await store.trail.count({}), 0);
      }));

    void test('a batch is its own transaction: one written while atomic() is open outlives its rollback', () =>
      withStore(async (store) => {
        // The trail writer's timer fires whenever it is due, also while some store transaction
        // is open: its batch must neither join that transaction (and vanish with its rollback)
        // nor be lost waiting for it.
        let opened = () => {};
        const isOpen = new Promise<void>((resolve) => (opened = resolve));
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        const rolledBack = store.atomic(async () => {
          await store.users.upsert(userOf('corp:alice'));
          opened();
          await held;
          throw new Error('rolled back on purpose');
        });
        await isOpen;
        const batch = store.trail.insertMany([trailRow({ path: '/during' })]);
        await new Promise((resolve) => setImmediate(resolve));
        release();
        await assert.rejects(rolledBack, /rolled back on purpose/);
        await batch;
        assert.equal(await store.users.get('corp:alice'), undefined);
        const rows = await store.trail.search({}, { limit: 10 });
        assert.deepEqual(
          rows.map((r) => r.path),
          ['/during'],
        );
      }));

    void test('grant timeline filters: status class, method, path substring; cursor paging', () =>
      withStore(async (store) => {
        await store.trail.insertMany([
          trailRow({ path: '/a_b', status: 404 }),
          trailRow({ path: '/axb', status: 200 }),
          trailRow({ path: '/100%', method: 'POST', status: 500 }),
          trailRow({ grantId: 'grt_other000001', status: 404 }),
        ]);
        const paths = async (filter: object, page = { limit: 10 }) =>
          (await store.trail.byGrant('grt_alice000001', filter, page)).map((r) => r.path);
        assert.deepEqual(await paths({ statusMin: 400, statusMax: 499 }), ['/a_b']);
        assert.deepEqual(await paths({ method: 'POST' }), ['/100%']);
        assert.deepEqual(await paths({ pathContains: '_' }), ['/a_b'], '_ is literal');
        assert.deepEqual(await paths({ pathContains: '%' }), ['/100%'], '% is literal');
        const first = await store.trail.byGrant('grt_alice000001', {}, { limit: 2 });
        const rest = await store.trail.byGrant(
          'grt_alice000001',
          {},
          { limit: 2, after: first.at(-1) },
        );
        assert.deepEqual(
          [...first, ...rest].map((r) => r.path),
          ['/a_b', '/axb', '/100%'],
        );
        assert.equal(await store.trail.count({ grantId: 'grt_alice000001', statusMin: 400 }), 2);
      }));

    void test('search: by person (through their grants), resource and time, newest first', () =>
      withStore(async (store) => {
        for (const id of ['corp:alice', 'vendors:vic']) await store.users.upsert(userOf(id));
        await store.grants.insert(grantOf('grt_alice000001', 'corp:alice'));
        await store.grants.insert(grantOf('grt_vic00000001', 'vendors:vic'));
        await store.trail.insertMany([
          trailRow({ time: T0, path: '/1' }),
          trailRow({
            time: T0 + 1000,
            path: '/2',
            grantId: 'grt_vic00000001',
            userId: 'vendors:vic',
          }),
          trailRow({ time: T0 + 2000, path: '/3', resourceId: 'wiki' }),
        ]);
        const paths = async (filter: object, page: object = {}) =>
          (await store.trail.search(filter, { limit: 10, order: 'desc', ...page })).map(
            (r) => r.path,
          );
        assert.deepEqual(await paths({}), ['/3', '/2', '/1']);
        assert.deepEqual(await paths({ userIds: ['vendors:vic'] }), ['/2']);
        assert.deepEqual(await paths({ userIds: [] }), [], 'nobody matched: no rows');
        assert.deepEqual(await paths({ resourceId: 'wiki' }), ['/3']);
        assert.deepEqual(await paths({ from: T0 + 500, to: T0 + 2000 }), ['/2']);
        const newest = await store.trail.search({}, { limit: 1, order: 'desc' });
        assert.deepEqual(await paths({}, { before: newest[0] }), ['/2', '/1']);
      }));

    void test('a long exchange: its end replaces its open row, in place and in order', () =>
      withStore(async (store) => {
        const open = { instance: 'ins_aaaaaaaa', seq: 1 };
        const ws = { kind: 'websocket' as const, path: '/ws', time: T0 };
        // Its open row, then other rows, then its end (in a later batch, or the same one).
        await store.trail.insertMany([
          trailRow({ ...ws, status: 101, durationMs: 5, ended: 'open', open }),
          trailRow({ time: T0 + 1, path: '/during' }),
        ]);
        await store.trail.insertMany([
          trailRow({ ...ws, status: 101, durationMs: 90_000, wsMessagesIn: 4, open }),
          trailRow({ time: T0 + 2, path: '/long', ended: 'open', open: { ...open, seq: 2 } }),
          trailRow({ time: T0 + 2, path: '/long', ended: 'cut', open: { ...open, seq: 2 } }),
          // Same number, another process: another row.
          trailRow({ time: T0 + 3, path: '/other', open: { instance: 'ins_bbbbbbbb', seq: 1 } }),
        ]);
        const rows = await store.trail.byGrant('grt_alice000001', {}, { limit: 10 });
        assert.deepEqual(
          rows.map((r) => [r.path, r.ended, r.durationMs, r.wsMessagesIn]),
          [
            ['/ws', 'complete', 90_000, 4],
            ['/during', 'complete', 1.5, 0],
            ['/long', 'cut', 1.5, 0],
            ['/other', 'complete', 1.5, 0],
          ],
        );
        assert.ok((rows[0]?.id ?? 0) < (rows[1]?.id ?? 0), 'the open row keeps its place');
        assert.equal(JSON.stringify(rows).includes('ins_'), false, 'keys are not read back');
      }));

    void test('a crash marks only that process’s open rows, up to its last heartbeat', () =>
      withStore(async (store) => {
        const mine = { instance: 'ins_crashed0', seq: 1 };
        await store.trail.insertMany([
          trailRow({ time: T0, path: '/ws', ended: 'open', durationMs: 2, open: mine }),
          trailRow({ time: T0, path: '/done', open: { ...mine, seq: 2 } }),
          trailRow({ time: T0 + 9000, path: '/late', ended: 'open', open: { ...mine, seq: 3 } }),
          trailRow({
            time: T0,
            path: '/alive',
            ended: 'open',
            open: { ...mine, instance: 'ins_alive00' },
          }),
        ]);
        assert.equal(await store.trail.markCrashed('ins_crashed0', T0 + 5000), 2);
        const rows = await store.trail.byGrant('grt_alice000001', {}, { limit: 10 });
        assert.deepEqual(
          rows.map((r) => [r.path, r.ended, r.durationMs]),
          [
            ['/ws', 'crashed', 5000],
            ['/done', 'complete', 1.5],
            ['/alive', 'open', 1.5],
            ['/late', 'crashed', 0],
          ],
        );
        assert.equal(await store.trail.markCrashed('ins_crashed0', T0 + 5000), 0, 'once');
      }));

    void test('retention deletes one resource, only older rows, at most `limit` at a time', () =>
      withStore(async (store) => {
        await store.trail.insertMany([
          trailRow({ time: T0 - 10 }),
          trailRow({ time: T0 - 5 }),
          trailRow({ time: T0 }),
          trailRow({ time: T0 - 10, resourceId: 'wiki' }),
        ]);
        assert.equal(await store.trail.deleteOlderThan('payroll', T0, 1), 1);
        assert.equal(await store.trail.deleteOlderThan('payroll', T0, 10), 1);
        assert.equal(await store.trail.deleteOlderThan('payroll', T0, 10), 0);
        assert.equal(await store.trail.count({ resourceId: 'payroll' }), 1);
        assert.equal(await store.trail.count({ resourceId: 'wiki' }), 1);
      }));
  });
}
