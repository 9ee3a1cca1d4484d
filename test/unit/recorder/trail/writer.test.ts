// The trail's bounded batching queue with an injected timer: flushes by size and by time, drops
// (and reports) when full instead of growing, retries a failed write, and close() writes all.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  TrailWriter,
  type Timers,
  type TrailWriterOptions,
} from '../../../../recorder/trail/index.js';

/** Timers the test fires by hand; `due` lists what is armed with its delay. */
class FakeTimers implements Timers {
  private next = 1;
  readonly armed = new Map<number, { callback: () => void; ms: number }>();
  set(callback: () => void, ms: number) {
    const id = this.next++;
    this.armed.set(id, { callback, ms });
    return id;
  }
  clear(handle: unknown) {
    this.armed.delete(handle as number);
  }
  get due(): number[] {
    return [...this.armed.values()].map((t) => t.ms);
  }
  /** Fires every armed timer once, then lets the flushes they start finish. */
  async fire() {
    const timers = [...this.armed.entries()];
    for (const [id, timer] of timers) {
      this.armed.delete(id);
      timer.callback();
    }
    await settle();
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function writer(options: Partial<TrailWriterOptions<number>> = {}) {
  const timers = new FakeTimers();
  const batches: number[][] = [];
  const drops: number[] = [];
  const w = new TrailWriter<number>({
    sink: async (batch) => void batches.push(batch),
    maxBatch: 3,
    flushMs: 1000,
    capacity: 10,
    timers,
    onDrop: (n) => drops.push(n),
    ...options,
  });
  return { w, timers, batches, drops };
}

void describe('TrailWriter', () => {
  void test('a record waits at most flushMs: the first push arms the timer', async () => {
    const { w, timers, batches } = writer();
    w.push(1);
    w.push(2);
    assert.deepEqual(timers.due, [1000]);
    assert.deepEqual(batches, [], 'nothing is written inside push');
    await timers.fire();
    assert.deepEqual(batches, [[1, 2]]);
    assert.equal(w.queued, 0);
    assert.equal(w.written, 2);
    assert.deepEqual(timers.due, [], 'an empty queue arms no timer');
  });

  void test('a full batch goes out on the next turn, in batches of maxBatch', async () => {
    const { w, timers, batches } = writer();
    for (let i = 1; i <= 7; i++) w.push(i);
    assert.deepEqual(timers.due, [0]);
    await timers.fire();
    await timers.fire();
    assert.deepEqual(batches, [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(timers.due, [1000], 'the rest waits for the interval');
    await timers.fire();
    assert.deepEqual(batches.at(-1), [7]);
  });

  void test('bounded: past capacity records are dropped, counted and reported once', async () => {
    const { w, timers, batches, drops } = writer({ capacity: 4, maxBatch: 100 });
    for (let i = 1; i <= 9; i++) w.push(i);
    assert.equal(w.queued, 4);
    assert.equal(w.dropped, 5);
    await timers.fire();
    assert.deepEqual(batches, [[1, 2, 3, 4]]);
    assert.deepEqual(drops, [5], 'one report for the burst');
    w.push(10);
    await timers.fire();
    assert.deepEqual(drops, [5], 'no drop, no report');
  });

  void test('bounded by weight too (bodies)', () => {
    const { w } = writer({ maxWeight: 100, weigh: (n) => n, capacity: 1000, maxBatch: 1000 });
    w.push(60);
    w.push(50);
    w.push(40);
    assert.equal(w.queued, 2);
    assert.equal(w.dropped, 1);
  });

  void test('a failed write keeps its batch, in order, for the next attempt', async () => {
    let fail = true;
    const written: number[][] = [];
    const errors: number[] = [];
    const { w, timers } = writer({
      sink: async (batch) => {
        if (fail) throw new Error('store down');
        written.push(batch);
      },
      onError: (_error, queued) => errors.push(queued),
    });
    w.push(1);
    await timers.fire();
    assert.deepEqual(errors, [1]);
    assert.equal(w.queued, 1);
    w.push(2);
    fail = false;
    await timers.fire();
    assert.deepEqual(written, [[1, 2]]);
  });

  void test('a failed write is retried after retryMs, even when a full batch waits', async () => {
    let attempts = 0;
    const { w, timers } = writer({
      flushMs: 100,
      retryMs: 1000,
      sink: async () => {
        attempts++;
        throw new Error('store down');
      },
    });
    for (let i = 1; i <= 4; i++) w.push(i); // a full batch: it goes out on the next turn
    assert.deepEqual(timers.due, [0]);
    await timers.fire();
    assert.equal(attempts, 1);
    // Not at once again (a full batch would be): a dead store is asked once per retryMs.
    assert.deepEqual(timers.due, [1000]);
    w.push(5);
    assert.deepEqual(timers.due, [1000], 'a new record does not hurry the retry');
    await timers.fire();
    assert.equal(attempts, 2);
    assert.deepEqual(timers.due, [1000]);
  });

  void test('close() writes everything, and later pushes are dropped', async () => {
    const { w, timers, batches } = writer();
    for (let i = 1; i <= 8; i++) w.push(i);
    await w.close();
    assert.deepEqual(batches.flat(), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(timers.due, [], 'no timer left behind');
    w.push(9);
    assert.equal(w.dropped, 1);
    assert.equal(w.queued, 0);
  });

  void test('close() waits for a write in progress and gives up on a dead sink', async () => {
    const { w } = writer({
      sink: async () => {
        throw new Error('store down');
      },
    });
    w.push(1);
    await w.close();
    assert.equal(w.queued, 1, 'the failed batch is reported, not retried forever');
  });

  void test('flushMs over a second is refused: a crash may lose at most the last second', () => {
    assert.throws(() => writer({ flushMs: 1500 }), RangeError);
  });
});
