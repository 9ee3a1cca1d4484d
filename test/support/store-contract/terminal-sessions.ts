/**
 * TerminalSessionRepository: sessions round-trip, end once, the auditors' filtered list, and the
 * live sessions one crashed process left (never another process's).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionEnd, TerminalSessionRecord } from '../../../proxy/terminal/session-record.js';
import { MIN, T0, type ContractContext } from './context.js';

export function terminalSessionContract(c: ContractContext): void {
  const session = (overrides: Partial<TerminalSessionRecord> = {}): TerminalSessionRecord => ({
    id: c.unique('ts'),
    userId: 'corp:alice',
    resourceId: c.unique('prod-shell'),
    login: 'deploy',
    grantId: c.unique('grt'),
    via: 'web',
    startedAt: T0,
    endedAt: null,
    endReason: null,
    state: 'live',
    recordingState: 'recording',
    recording: 'ts_1.cast',
    checksum: null,
    bytes: null,
    instance: null,
    ...overrides,
  });
  const end: SessionEnd = {
    endedAt: T0 + 5 * MIN,
    endReason: 'exit',
    recordingState: 'complete',
    checksum: 'a'.repeat(64),
    bytes: 2 ** 33,
  };

  void describe('terminal sessions', () => {
    void test('insert then get gives the same session back; unknown ids are undefined', async () => {
      const s = session({ via: 'cli', recordingState: 'off', recording: null });
      await c.store().terminalSessions.insert(s);
      assert.deepEqual(await c.store().terminalSessions.get(s.id), s);
      assert.equal(await c.store().terminalSessions.get(c.unique('ts')), undefined);
      await assert.rejects(c.store().terminalSessions.insert(s));
    });

    void test('end ends a live session once and returns it', async () => {
      const s = session();
      await c.store().terminalSessions.insert(s);
      const ended = { ...s, ...end, state: 'ended' as const };
      assert.deepEqual(await c.store().terminalSessions.end(s.id, end), ended);
      assert.deepEqual(await c.store().terminalSessions.get(s.id), ended);
      const again = { ...end, endReason: 'revoked' };
      assert.equal(await c.store().terminalSessions.end(s.id, again), undefined);
      assert.equal(await c.store().terminalSessions.end(c.unique('ts'), end), undefined);
    });

    void test('insert keeps the process that runs a session', async () => {
      const s = session({ instance: c.unique('ins') });
      await c.store().terminalSessions.insert(s);
      assert.deepEqual(await c.store().terminalSessions.get(s.id), s);
    });

    void test('liveOf: the live sessions of one process, and those of none', async () => {
      const crashed = c.unique('ins');
      const mine = session({ instance: crashed });
      const legacy = session({ instance: null });
      const ended = session({ instance: crashed });
      const otherProcess = session({ instance: c.unique('ins') });
      for (const row of [mine, legacy, ended, otherProcess])
        await c.store().terminalSessions.insert(row);
      await c.store().terminalSessions.end(ended.id, end);
      const ids = (await c.store().terminalSessions.liveOf(crashed)).map((r) => r.id);
      assert.ok(ids.includes(mine.id), 'its own live session');
      assert.ok(ids.includes(legacy.id), 'a live session from before instances');
      assert.ok(!ids.includes(ended.id), 'not an ended one');
      assert.ok(!ids.includes(otherProcess.id), 'never another process’s');
      const found = (await c.store().terminalSessions.liveOf(crashed)).find(
        (r) => r.id === mine.id,
      );
      assert.deepEqual(found, mine);
    });

    void test('list: by people, resource, time and state, newest first, paged', async () => {
      const resourceId = c.unique('prod-shell');
      const [a, b, d] = [
        session({ resourceId, userId: 'corp:alice', startedAt: T0 + 1 }),
        session({ resourceId, userId: 'corp:bob', startedAt: T0 + 2 }),
        session({ resourceId, userId: 'corp:alice', startedAt: T0 + 3 }),
      ];
      for (const s of [a, b, d]) await c.store().terminalSessions.insert(s);
      await c.store().terminalSessions.end(b.id, end);
      const ids = async (filter: object) =>
        (await c.store().terminalSessions.list({ resourceId, limit: 10, ...filter })).map(
          (s) => s.id,
        );
      assert.deepEqual(await ids({}), [d.id, b.id, a.id]);
      assert.deepEqual(await ids({ userIds: ['corp:alice'] }), [d.id, a.id]);
      assert.deepEqual(await ids({ userIds: ['corp:alice', 'corp:bob'] }), [d.id, b.id, a.id]);
      assert.deepEqual(await ids({ userIds: [] }), [], 'nobody matched: no sessions');
      assert.deepEqual(await ids({ from: T0 + 2, to: T0 + 3 }), [b.id]);
      assert.deepEqual(await ids({ state: 'live' }), [d.id, a.id]);
      assert.deepEqual(await ids({ state: 'ended' }), [b.id]);
      assert.deepEqual(await ids({ beforeStartedAt: T0 + 3 }), [b.id, a.id]);
      assert.deepEqual(await ids({ limit: 2 }), [d.id, b.id]);
      const everything = await c.store().terminalSessions.list({ limit: 1000 });
      assert.ok(everything.some((s) => s.id === a.id));
    });
  });
}
