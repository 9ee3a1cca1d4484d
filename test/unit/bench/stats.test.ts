// The bench's statistics: nearest-rank percentiles of latency samples, and the median and range
// of a figure over several runs (missing runs left out, never counted as zero).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { percentile, percentilesOf, ratio, spread } from '../../../bench/stats.js';

void describe('percentile', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  test('is the nearest rank', () => {
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile(sorted, 99.9), 100);
    assert.equal(percentile(sorted, 100), 100);
    assert.equal(percentile(sorted, 0), 1);
  });

  test('of no samples is NaN', () => {
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  test('percentilesOf sorts its input and names the maximum p100', () => {
    const p = percentilesOf([5, 1, 4, 2, 3]);
    assert.deepEqual(p, { p50: 3, p90: 5, p99: 5, 'p99.9': 5, p100: 5 });
  });
});

void describe('spread', () => {
  test('median and range of an odd and an even number of runs', () => {
    assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3, runs: 3 });
    assert.deepEqual(spread([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4, runs: 4 });
  });

  test('leaves runs without a number out', () => {
    assert.deepEqual(spread([Number.NaN, 7]), { median: 7, min: 7, max: 7, runs: 1 });
    assert.equal(spread([]).runs, 0);
    assert.ok(Number.isNaN(spread([Number.NaN]).median));
  });

  test('ratio is NaN when either side is missing or the divisor is 0', () => {
    assert.equal(ratio(3, 2), 1.5);
    assert.ok(Number.isNaN(ratio(3, 0)));
    assert.ok(Number.isNaN(ratio(Number.NaN, 2)));
  });
});
