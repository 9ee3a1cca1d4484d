// `npm run bench` options: defaults for a full run, sizes scaled down through the environment,
// and a clear error (never a silent default) for anything malformed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OptionError, parseBenchOptions } from '../../../bench/options.js';

void describe('bench options', () => {
  test('default to one full run of every section at the issue sizes', () => {
    const o = parseBenchOptions([], {});
    assert.equal(o.runs, 1);
    assert.deepEqual(o.sections, ['web', 'terminals', 'scale']);
    assert.equal(o.soakMs, undefined);
    assert.deepEqual(
      [o.seconds, o.rate, o.idleTerminals, o.scale, o.expiringGrants],
      [10, 2000, 1000, 10_000, 1000],
    );
  });

  test('read --runs, --only and --soak', () => {
    const o = parseBenchOptions(['--runs', '3', '--only', 'scale,web', '--soak', '10m'], {});
    assert.equal(o.runs, 3);
    assert.deepEqual(o.sections, ['web', 'scale']);
    assert.equal(o.soakMs, 600_000);
  });

  test('scale down through the environment', () => {
    const o = parseBenchOptions([], {
      BENCH_SECONDS: '2',
      BENCH_IDLE_TERMINALS: '10',
      BENCH_SCALE: '0',
      BENCH_PROXY_NODE_ARGS: ' --cpu-prof  --cpu-prof-dir=/tmp/p ',
      BENCH_SKIP_APACHE: '1',
    });
    assert.deepEqual([o.seconds, o.idleTerminals, o.scale], [2, 10, 0]);
    assert.deepEqual(o.proxyNodeArgs, ['--cpu-prof', '--cpu-prof-dir=/tmp/p']);
    assert.equal(o.skipApache, true);
    assert.equal(o.skipNginx, false);
  });

  test('refuse what they cannot read', () => {
    for (const [args, env] of [
      [['--runs', '0'], {}],
      [['--runs', 'three'], {}],
      [['--only', 'web,disk'], {}],
      [['--soak', 'forever'], {}],
      [['--soak', '500ms'], {}],
      [['--fast'], {}],
      [[], { BENCH_SECONDS: '0.5' }],
      [[], { BENCH_RATE: '-1' }],
    ] as const) {
      assert.throws(() => parseBenchOptions(args, env), OptionError, JSON.stringify([args, env]));
    }
  });
});
