/**
 * Break-glass in the composition root: the service, the sweep that flags overdue reviews (each
 * once across replicas, by the store), and the review gauges for /metrics, refreshed by the same
 * sweep from the store so every replica reports the same numbers.
 */
import { BreakGlassService, type BreakGlassServiceDeps } from '../access/break-glass-service.js';
import type { Logger } from '../shared/logger.js';
import { Metrics } from '../shared/metrics.js';

/** Overdue reviews are a matter of hours; a few seconds late is fine. */
const OVERDUE_SWEEP_MS = 5_000;

export interface BreakGlassWiring {
  service: BreakGlassService;
  /** Flags overdue reviews now and refreshes the gauges (the sweep calls it too). */
  sweep(): Promise<void>;
  renderMetrics(): string;
  stop(): void;
}

export async function wireBreakGlass(
  deps: BreakGlassServiceDeps & { log: Logger },
): Promise<BreakGlassWiring> {
  const service = new BreakGlassService(deps);
  const counts = { pending: 0, overdue: 0 };
  const metrics = new Metrics();
  metrics.gauge(
    'jitgate_break_glass_reviews_pending',
    'Break-glass grants not reviewed yet.',
    () => counts.pending,
  );
  metrics.gauge(
    'jitgate_break_glass_reviews_overdue',
    'Break-glass grants whose review is overdue.',
    () => counts.overdue,
  );
  const sweep = async () => {
    await service.flagOverdue();
    const waiting = await deps.store.breakGlass.listUnreviewed();
    const now = deps.now();
    counts.pending = waiting.length;
    counts.overdue = waiting.filter((r) => r.reviewDueAt <= now).length;
  };
  const run = () =>
    void sweep().catch((error: unknown) => deps.log.error('break-glass sweep failed', { error }));
  // Any change is seen at once by this replica; others see it at their next sweep.
  const off = deps.events.on((event) => {
    if (event.type === 'break_glass' && event.stage !== 'overdue') run();
  });
  await sweep().catch((error: unknown) => deps.log.error('break-glass sweep failed', { error }));
  const timer = setInterval(run, OVERDUE_SWEEP_MS);
  timer.unref();
  return {
    service,
    sweep,
    renderMetrics: () => metrics.render(),
    stop: () => {
      clearInterval(timer);
      off();
    },
  };
}
