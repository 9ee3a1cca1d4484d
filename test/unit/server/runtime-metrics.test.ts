// The process's own series on /metrics: garbage collections by kind as they happen, event-loop
// delay per window (the same figures for every scraper), resident memory and the heap; and
// nothing more is counted once the gateway stops.
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, mock, test } from 'node:test';
import { Metrics } from '../../../proxy/shared/metrics.js';
import { addRuntimeMetrics } from '../../../proxy/server/runtime-metrics.js';

/** Value of one series line ("name{labels} value"), or undefined when it is absent. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Enough short-lived garbage for several scavenges, then turns for the GC entries to arrive. */
async function churn(): Promise<void> {
  let keep: number[][] = [];
  for (let i = 0; i < 200_000; i++) {
    keep.push([i, i + 1, i + 2, i + 3]);
    if (keep.length > 1000) keep = [];
  }
  for (let i = 0; i < 5; i++) await turn();
}

void describe('runtime metrics', () => {
  void test('minor collections are counted with the time they took', async () => {
    const metrics = new Metrics();
    const stop = addRuntimeMetrics(metrics);
    try {
      await churn();
      const text = metrics.render();
      assert.ok((valueOf(text, 'jitgate_gc_total{kind="minor"}') ?? 0) > 0, text);
      assert.ok((valueOf(text, 'jitgate_gc_seconds_total{kind="minor"}') ?? 0) > 0, text);
      assert.match(text, /# TYPE jitgate_gc_seconds_total counter/);
    } finally {
      stop();
    }
  });

  void test('memory gauges read this process', () => {
    const metrics = new Metrics();
    const stop = addRuntimeMetrics(metrics);
    try {
      const text = metrics.render();
      const rss = valueOf(text, 'jitgate_resident_memory_bytes') ?? 0;
      const heapUsed = valueOf(text, 'jitgate_heap_used_bytes') ?? 0;
      const heapSize = valueOf(text, 'jitgate_heap_size_bytes') ?? 0;
      assert.ok(heapUsed > 0 && heapUsed <= heapSize, text);
      assert.ok(heapSize < rss, text);
    } finally {
      stop();
    }
  });

  void test('event-loop delay holds still within a window and moves on after it', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    const metrics = new Metrics();
    const stop = addRuntimeMetrics(metrics, 10_000);
    try {
      const first = metrics.render();
      const p99 = valueOf(first, 'jitgate_event_loop_delay_p99_seconds');
      const max = valueOf(first, 'jitgate_event_loop_delay_max_seconds');
      assert.ok(p99 !== undefined && p99 >= 0 && max !== undefined && max >= 0, first);
      mock.timers.tick(10_000);
      const closed = metrics.render();
      mock.timers.tick(5_000);
      // A second scraper in the same window reads the same closed window.
      const again = metrics.render();
      for (const name of [
        'jitgate_event_loop_delay_p99_seconds',
        'jitgate_event_loop_delay_max_seconds',
      ])
        assert.equal(valueOf(again, name), valueOf(closed, name));
    } finally {
      stop();
      mock.timers.reset();
    }
  });

  void test('after stop no collection is counted', async () => {
    const metrics = new Metrics();
    const stop = addRuntimeMetrics(metrics);
    stop();
    await churn();
    assert.equal(valueOf(metrics.render(), 'jitgate_gc_total{kind="minor"}') ?? 0, 0);
  });
});
