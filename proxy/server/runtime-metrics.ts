/**
 * Where this process's time and memory go, on /metrics: garbage collection by kind, event-loop
 * delay, resident memory and the JS heap. Measured under load, GC was ~13% of a gateway's main
 * thread, and V8 kept the heap a burst had grown (100 MiB of garbage, RSS 230 MiB) for as long as
 * the process then stayed idle: an operator sizing memory limits needs to see both.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { Metrics } from '../shared/metrics.js';

/** Node's GC entry kinds, by the label they get. */
const GC_KINDS: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/**
 * Event-loop delay figures are those of the last full window (or of the current one before the
 * first ends), rolled on a clock: the same for every scraper, however often each scrapes.
 */
export const DELAY_WINDOW_MS = 10_000;

/** Adds the runtime series to `metrics`; returns the function that stops observing. */
export function addRuntimeMetrics(metrics: Metrics, windowMs = DELAY_WINDOW_MS): () => void {
  const count = metrics.counter('jitgate_gc_total', 'Garbage collections by kind.');
  const seconds = metrics.counter(
    'jitgate_gc_seconds_total',
    'Main-thread time spent in garbage collection, by kind.',
  );
  const byKind = new Map(
    [...GC_KINDS].map(([kind, label]) => [
      kind,
      { count: count.series({ kind: label }), seconds: seconds.series({ kind: label }) },
    ]),
  );
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node sets `detail.kind` on GC entries; its type declarations lag behind.
      const { detail } = entry as { detail?: { kind?: number } | null };
      const kind = detail?.kind;
      const series = kind === undefined ? undefined : byKind.get(kind);
      series?.count();
      series?.seconds(entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const current = () => ({ p99: delay.percentile(99) / 1e9, max: delay.max / 1e9 });
  let last: { p99: number; max: number } | undefined;
  const roller = setInterval(() => {
    last = current();
    delay.reset();
  }, windowMs).unref();
  const window = () => last ?? current();
  metrics.gauge(
    'jitgate_event_loop_delay_p99_seconds',
    `Event-loop delay, 99th percentile over the last ${windowMs / 1000} s window.`,
    () => window().p99,
  );
  metrics.gauge(
    'jitgate_event_loop_delay_max_seconds',
    `Longest event-loop delay in the last ${windowMs / 1000} s window.`,
    () => window().max,
  );
  metrics.gauge('jitgate_resident_memory_bytes', 'Resident set size of this process.', () =>
    process.memoryUsage.rss(),
  );
  metrics.gauge(
    'jitgate_heap_used_bytes',
    'JS heap in use (live objects and garbage not yet collected).',
    () => process.memoryUsage().heapUsed,
  );
  metrics.gauge(
    'jitgate_heap_size_bytes',
    'JS heap reserved by V8.',
    () => process.memoryUsage().heapTotal,
  );
  return () => {
    clearInterval(roller);
    observer.disconnect();
    delay.disable();
  };
}
