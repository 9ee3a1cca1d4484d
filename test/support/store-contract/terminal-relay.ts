/**
 * TerminalRelayRepository: a stop request is recorded once and only for a live session, and
 * purged once answered or too old; watches
 * are renewed and ended per replica; published chunks come back in order after a seq, only the
 * last RELAY_CHUNKS_KEPT are kept; clear forgets a session's watches and chunks. Another replica
 * reads what one wrote.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RELAY_CHUNKS_KEPT, STOP_REQUEST_KEPT_MS } from '../../../proxy/terminal/relay-record.js';
import type { TerminalSessionRecord } from '../../../proxy/terminal/session-record.js';
import { T0, type ContractContext } from './context.js';

export function terminalRelayContract(c: ContractContext): void {
  const liveSession = async (): Promise<TerminalSessionRecord> => {
    const s: TerminalSessionRecord = {
      id: c.unique('ts'),
      userId: 'corp:alice',
      resourceId: 'prod-shell',
      login: 'deploy',
      grantId: c.unique('grt'),
      via: 'web',
      startedAt: T0,
      endedAt: null,
      endReason: null,
      state: 'live',
      recordingState: 'off',
      recording: null,
      checksum: null,
      bytes: null,
      instance: c.unique('ins'),
    };
    await c.store().terminalSessions.insert(s);
    return s;
  };
  const other = () => c.replica() ?? c.store();

  void describe('terminal relay', () => {
    void test('a stop request is recorded once, for a live session only', async () => {
      const s = await liveSession();
      const relay = c.store().terminalRelay;
      assert.equal(await relay.stopRequest(s.id), undefined);
      const carol = { by: 'corp:carol', message: 'carol (auditor) ended this session.', at: T0 };
      const [first, second] = await Promise.all([
        relay.requestStop(s.id, carol),
        other().terminalRelay.requestStop(s.id, { ...carol, by: 'corp:root', at: T0 + 1 }),
      ]);
      assert.equal([first, second].filter(Boolean).length, 1, 'one request wins');
      const recorded = await other().terminalRelay.stopRequest(s.id);
      assert.ok(recorded?.by === 'corp:carol' || recorded?.by === 'corp:root');
      assert.equal(await relay.requestStop(c.unique('ts'), carol), false, 'unknown session');
      const ended = await liveSession();
      await c.store().terminalSessions.end(ended.id, {
        endedAt: T0 + 5,
        endReason: 'exit',
        recordingState: 'off',
        checksum: null,
        bytes: null,
      });
      assert.equal(await relay.requestStop(ended.id, carol), false, 'ended session');
      assert.equal(await relay.stopRequest(ended.id), undefined);
    });

    void test('purgeStops deletes answered and old stop requests, keeps pending ones', async () => {
      const relay = c.store().terminalRelay;
      const stop = (at: number) => ({ by: 'corp:carol', message: 'ended by carol', at });
      const pending = await liveSession();
      const old = await liveSession();
      const answered = await liveSession();
      assert.ok(await relay.requestStop(pending.id, stop(T0 - STOP_REQUEST_KEPT_MS + 1)));
      assert.ok(await relay.requestStop(old.id, stop(T0 - STOP_REQUEST_KEPT_MS)));
      assert.ok(await relay.requestStop(answered.id, stop(T0)));
      await c.store().terminalSessions.end(answered.id, {
        endedAt: T0 + 1,
        endReason: 'terminated',
        recordingState: 'off',
        checksum: null,
        bytes: null,
      });
      // At T0: later stop requests of this suite are neither old nor answered, so none goes.
      assert.ok((await other().terminalRelay.purgeStops(T0)) >= 2);
      assert.equal(await relay.stopRequest(old.id), undefined, 'asked too long ago');
      assert.equal(await relay.stopRequest(answered.id), undefined, 'its session ended');
      assert.equal((await relay.stopRequest(pending.id))?.at, T0 - STOP_REQUEST_KEPT_MS + 1);
      assert.equal(await relay.purgeStops(T0), 0, 'nothing left to purge');
    });

    void test('watches are renewed and ended per replica', async () => {
      const s = await liveSession();
      const relay = c.store().terminalRelay;
      assert.deepEqual(await relay.watchers(s.id), []);
      await relay.watch(s.id, 'ins-b', T0 + 10);
      await other().terminalRelay.watch(s.id, 'ins-c', T0 + 5);
      assert.deepEqual(await other().terminalRelay.watchers(s.id), [
        { instance: 'ins-b', until: T0 + 10 },
        { instance: 'ins-c', until: T0 + 5 },
      ]);
      await relay.watch(s.id, 'ins-b', T0 + 20);
      assert.deepEqual(await relay.watchers(s.id), [
        { instance: 'ins-b', until: T0 + 20 },
        { instance: 'ins-c', until: T0 + 5 },
      ]);
      await relay.unwatch(s.id, 'ins-b');
      assert.deepEqual(await relay.watchers(s.id), [{ instance: 'ins-c', until: T0 + 5 }]);
      await relay.unwatch(s.id, 'ins-c');
      await relay.unwatch(s.id, 'ins-c');
      assert.deepEqual(await relay.watchers(s.id), []);
    });

    void test('chunks come back in order after a seq; only the last ones are kept', async () => {
      const s = await liveSession();
      const neighbour = await liveSession();
      const relay = c.store().terminalRelay;
      assert.equal(await relay.lastSeq(s.id), 0);
      assert.deepEqual(await relay.chunksAfter(s.id, 0, 10), []);
      await relay.publish(s.id, [], T0);
      await relay.publish(
        s.id,
        [
          { kind: 'control', data: '{"type":"ready"}' },
          { kind: 'output', data: 'héllo\r\n' },
        ],
        T0,
      );
      await relay.publish(neighbour.id, [{ kind: 'output', data: 'elsewhere' }], T0);
      await relay.publish(s.id, [{ kind: 'output', data: 'world' }], T0 + 1);
      const read = await other().terminalRelay.chunksAfter(s.id, 0, 10);
      assert.deepEqual(
        read.map((chunk) => [chunk.kind, chunk.data]),
        [
          ['control', '{"type":"ready"}'],
          ['output', 'héllo\r\n'],
          ['output', 'world'],
        ],
      );
      assert.ok(read.every((chunk, i) => i === 0 || chunk.seq > (read[i - 1]?.seq ?? 0)));
      assert.equal(await relay.lastSeq(s.id), read.at(-1)?.seq);
      assert.deepEqual(
        (await relay.chunksAfter(s.id, read[0]?.seq ?? 0, 1)).map((chunk) => chunk.data),
        ['héllo\r\n'],
      );

      const many = Array.from({ length: RELAY_CHUNKS_KEPT + 5 }, (_, i) => ({
        kind: 'output' as const,
        data: `line ${i}`,
      }));
      await relay.publish(s.id, many, T0 + 2);
      const kept = await relay.chunksAfter(s.id, 0, 1000);
      assert.equal(kept.length, RELAY_CHUNKS_KEPT);
      assert.equal(kept.at(-1)?.data, `line ${RELAY_CHUNKS_KEPT + 4}`);
      assert.equal((await relay.chunksAfter(neighbour.id, 0, 10)).length, 1, 'not another’s');

      await relay.watch(s.id, 'ins-b', T0 + 10);
      await other().terminalRelay.clear(s.id);
      assert.deepEqual(await relay.chunksAfter(s.id, 0, 10), []);
      assert.deepEqual(await relay.watchers(s.id), []);
      assert.equal((await relay.chunksAfter(neighbour.id, 0, 10)).length, 1);
    });
  });
}
