// Prometheus text exposition without a dependency: HELP/TYPE lines, label escaping, and
// cumulative histogram buckets with +Inf, _sum and _count.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Metrics } from '../../../proxy/shared/metrics.js';

const BUCKETS = [
  '0.001',
  '0.0025',
  '0.005',
  '0.01',
  '0.025',
  '0.05',
  '0.1',
  '0.25',
  '0.5',
  '1',
  '2.5',
  '5',
  '10',
];

void describe('Metrics.render', () => {
  void test('nothing registered renders an empty document', () => {
    assert.equal(new Metrics().render(), '\n');
  });

  void test('counters with and without labels', () => {
    const metrics = new Metrics();
    const requests = metrics.counter('jitgate_requests_total', 'Requests by decision.');
    requests({ decision: 'allowed' });
    requests({ decision: 'allowed' });
    requests({ decision: 'no_grant' }, 3);
    const logins = metrics.counter('jitgate_logins_total', 'Logins.');
    logins();
    assert.equal(
      metrics.render(),
      [
        '# HELP jitgate_requests_total Requests by decision.',
        '# TYPE jitgate_requests_total counter',
        'jitgate_requests_total{decision="allowed"} 2',
        'jitgate_requests_total{decision="no_grant"} 3',
        '# HELP jitgate_logins_total Logins.',
        '# TYPE jitgate_logins_total counter',
        'jitgate_logins_total 1',
        '',
      ].join('\n'),
    );
  });

  void test('a counter that was never incremented renders only its HELP and TYPE', () => {
    const metrics = new Metrics();
    metrics.counter('idle_total', 'Never used.');
    assert.equal(metrics.render(), '# HELP idle_total Never used.\n# TYPE idle_total counter\n');
  });

  void test('several labels keep their order; label values are escaped', () => {
    const metrics = new Metrics();
    const c = metrics.counter('c_total', 'C.');
    c({ resource: 'pay"roll', path: 'a\\b', note: 'line1\nline2' });
    assert.match(
      metrics.render(),
      /^c_total\{resource="pay\\"roll",path="a\\\\b",note="line1\\nline2"\} 1$/m,
    );
  });

  void test('gauges are read at render time', () => {
    const metrics = new Metrics();
    let live = 3;
    metrics.gauge('jitgate_live_grants', 'Live grants.', () => live);
    assert.match(metrics.render(), /^jitgate_live_grants 3$/m);
    live = 5;
    assert.equal(
      metrics.render(),
      '# HELP jitgate_live_grants Live grants.\n# TYPE jitgate_live_grants gauge\njitgate_live_grants 5\n',
    );
  });

  void test('histograms: cumulative buckets, +Inf, sum and count', () => {
    const metrics = new Metrics();
    const latency = metrics.histogram('jitgate_upstream_seconds', 'Upstream latency.');
    latency({ resource: 'payroll' }, 0.003);
    latency({ resource: 'payroll' }, 0.01);
    latency({ resource: 'payroll' }, 0.75);
    latency({ resource: 'payroll' }, 42);
    const counts = [0, 0, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3];
    assert.equal(
      metrics.render(),
      [
        '# HELP jitgate_upstream_seconds Upstream latency.',
        '# TYPE jitgate_upstream_seconds histogram',
        ...BUCKETS.map(
          (le, i) => `jitgate_upstream_seconds_bucket{resource="payroll",le="${le}"} ${counts[i]}`,
        ),
        'jitgate_upstream_seconds_bucket{resource="payroll",le="+Inf"} 4',
        'jitgate_upstream_seconds_sum{resource="payroll"} 42.763',
        'jitgate_upstream_seconds_count{resource="payroll"} 4',
        '',
      ].join('\n'),
    );
  });

  void test('a histogram without labels has only the le label', () => {
    const metrics = new Metrics();
    metrics.histogram('h_seconds', 'H.')({}, 0.001);
    const text = metrics.render();
    assert.match(text, /^h_seconds_bucket\{le="0\.001"\} 1$/m);
    assert.match(text, /^h_seconds_bucket\{le="10"\} 1$/m);
    assert.match(text, /^h_seconds_bucket\{le="\+Inf"\} 1$/m);
    assert.match(text, /^h_seconds_sum 0\.001$/m);
    assert.match(text, /^h_seconds_count 1$/m);
  });

  void test('each label set of a histogram is its own series', () => {
    const metrics = new Metrics();
    const h = metrics.histogram('h_seconds', 'H.');
    h({ resource: 'a' }, 0.2);
    h({ resource: 'b' }, 20);
    const text = metrics.render();
    assert.match(text, /^h_seconds_bucket\{resource="a",le="0\.25"\} 1$/m);
    assert.match(text, /^h_seconds_bucket\{resource="b",le="10"\} 0$/m);
    assert.match(text, /^h_seconds_bucket\{resource="b",le="\+Inf"\} 1$/m);
    assert.match(text, /^h_seconds_count\{resource="a"\} 1$/m);
  });

  void test('a series taken once adds to the same line as calls with the same labels', () => {
    const metrics = new Metrics();
    const requests = metrics.counter('r_total', 'R.');
    const allowed = requests.series({ resource: 'payroll', decision: 'allowed' });
    allowed();
    allowed(2);
    requests({ resource: 'payroll', decision: 'allowed' });
    const latency = metrics.histogram('h_seconds', 'H.');
    const payroll = latency.series({ resource: 'payroll' });
    payroll(0.003);
    latency({ resource: 'payroll' }, 0.2);
    const text = metrics.render();
    assert.match(text, /^r_total\{resource="payroll",decision="allowed"\} 4$/m);
    assert.equal(text.match(/^r_total/gm)?.length, 1);
    assert.match(text, /^h_seconds_bucket\{resource="payroll",le="0\.005"\} 1$/m);
    assert.match(text, /^h_seconds_bucket\{resource="payroll",le="0\.25"\} 2$/m);
    assert.match(text, /^h_seconds_count\{resource="payroll"\} 2$/m);
  });

  void test('every line is a comment or "name{labels} value"', () => {
    const metrics = new Metrics();
    metrics.counter('a_total', 'A.')({ x: 'y' });
    metrics.histogram('b_seconds', 'B.')({ x: 'y' }, 0.5);
    metrics.gauge('c', 'C.', () => 1);
    const lines = metrics.render().split('\n');
    assert.equal(lines.pop(), '');
    for (const line of lines)
      assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+]+)$/, line);
  });
});
