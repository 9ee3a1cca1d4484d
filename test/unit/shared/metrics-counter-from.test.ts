// Counters kept elsewhere (the trail writer's written and dropped rows) render as Prometheus
// counters with the value read at render time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metrics } from '../../../proxy/shared/metrics.js';

void test('counterFrom renders HELP, TYPE counter and the current value', () => {
  const metrics = new Metrics();
  let dropped = 0;
  metrics.counterFrom('jitgate_trail_dropped_total', 'Rows dropped.', () => dropped);
  dropped = 7;
  assert.equal(
    metrics.render(),
    '# HELP jitgate_trail_dropped_total Rows dropped.\n' +
      '# TYPE jitgate_trail_dropped_total counter\n' +
      'jitgate_trail_dropped_total 7\n',
  );
});
