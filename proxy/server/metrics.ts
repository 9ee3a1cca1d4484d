/**
 * The proxy's Prometheus series: gateway decisions, upstream latency and errors, live state, and
 * the process's own GC, event-loop delay and memory (runtime-metrics.ts).
 */
import type { GrantBook } from '../access/grant-book.js';
import type { AppRoute } from '../gateway/app-routes.js';
import type { Decision } from '../gateway/app-gateway.js';
import type { LiveConnections } from '../gateway/live-connections.js';
import type { SessionCache } from '../identity/session-cache.js';
import { Metrics } from '../shared/metrics.js';
import { addRuntimeMetrics } from './runtime-metrics.js';

export function createGatewayMetrics(sources: {
  live: LiveConnections;
  sessions: SessionCache;
  book: GrantBook;
  trail: { stats(): { queued: number; dropped: number; written: number } };
  revocations: { readonly size: number; readonly refusedWrites: number };
}) {
  const metrics = new Metrics();
  const requests = metrics.counter(
    'jitgate_gateway_requests_total',
    'App requests by resource and access decision.',
  );
  const upstreamErrors = metrics.counter(
    'jitgate_gateway_upstream_errors_total',
    'Upstream exchanges that failed.',
  );
  const latency = metrics.histogram(
    'jitgate_gateway_upstream_seconds',
    'Time from forwarding to the end of the response.',
  );
  metrics.gauge(
    'jitgate_live_grants',
    'Grants in the in-memory grant book.',
    () => sources.book.size,
  );
  metrics.gauge(
    'jitgate_live_connections',
    'Open app exchanges and WebSockets under a grant.',
    () => sources.live.count(),
  );
  metrics.gauge(
    'jitgate_cached_sessions',
    'Sessions in the gateway cache.',
    () => sources.sessions.size,
  );
  metrics.gauge(
    'jitgate_pending_revocations',
    'Grant ends (revoke, release) in force but not yet recorded: the store refused the write.',
    () => sources.revocations.size,
  );
  metrics.counterFrom(
    'jitgate_revocation_write_failures_total',
    'Grant ends the store refused to record at first (each is retried until recorded).',
    () => sources.revocations.refusedWrites,
  );
  const trail = sources.trail;
  metrics.gauge(
    'jitgate_trail_queued',
    'Trail rows waiting to be written.',
    () => trail.stats().queued,
  );
  metrics.counterFrom(
    'jitgate_trail_dropped_total',
    'Trail rows dropped because the bounded queue was full.',
    () => trail.stats().dropped,
  );
  metrics.counterFrom(
    'jitgate_trail_written_total',
    'Trail rows written to the store.',
    () => trail.stats().written,
  );
  /** Each resource's series, taken once (resources come from the config: a bounded set). */
  interface ResourceSeries {
    decisions: Map<Decision, (by?: number) => void>;
    latency: (seconds: number) => void;
    errors: (by?: number) => void;
  }
  const byResource = new Map<string, ResourceSeries>();
  const seriesOf = (resource: string): ResourceSeries => {
    let series = byResource.get(resource);
    if (!series) {
      series = {
        decisions: new Map(),
        latency: latency.series({ resource }),
        errors: upstreamErrors.series({ resource }),
      };
      byResource.set(resource, series);
    }
    return series;
  };
  return {
    decision: (route: AppRoute, decision: Decision) => {
      const { decisions } = seriesOf(route.resource.id);
      let add = decisions.get(decision);
      if (!add) {
        add = requests.series({ resource: route.resource.id, decision });
        decisions.set(decision, add);
      }
      add();
    },
    upstream: (route: AppRoute, seconds: number, failed: boolean) => {
      const series = seriesOf(route.resource.id);
      series.latency(seconds);
      if (failed) series.errors();
    },
    render: () => metrics.render(),
    stop: addRuntimeMetrics(metrics),
  };
}
