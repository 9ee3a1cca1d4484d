// Self-time shares of a CPU profile: idle and start-up samples left out, functions and modules
// (a package, or jitgate's own file) summed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { moduleOf, profileShares, type CpuProfile } from '../../../bench/profile-shares.js';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber: 1 },
  children,
});

const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 3, 4, 6]),
    frame(2, 'compile', 'node:internal/modules/cjs/loader'),
    frame(3, 'handleRequest', 'file:///repo/dist/proxy/gateway/app-gateway.js', [5]),
    frame(4, '(idle)', ''),
    frame(5, 'stream', 'file:///repo/node_modules/undici/lib/api/api-stream.js'),
    frame(6, 'writev', ''),
  ],
  samples: [2, 2, 3, 5, 4, 6, 5],
  timeDeltas: [100, 100, 10, 20, 500, 30, 40],
};

void describe('profileShares', () => {
  void test('counts busy time from the first sample within `from`', () => {
    const shares = profileShares(profile, 'handleRequest');
    assert.equal(shares.busyUs, 100);
    assert.deepEqual(shares.modules, [
      ['undici', 0.6],
      ['writev', 0.3],
      ['proxy/gateway/app-gateway.js', 0.1],
    ]);
    assert.deepEqual(shares.functions[0], ['stream undici', 0.6]);
    assert.deepEqual(shares.functions[1], ['writev', 0.3]);
  });

  void test('without `from`, start-up counts too; idle never does', () => {
    const shares = profileShares(profile);
    assert.equal(shares.busyUs, 300);
    assert.deepEqual(shares.modules[0], ['node:internal/modules/cjs/loader', 200 / 300]);
  });

  void test('module names: a package, a scoped package, jitgate source or compiled', () => {
    assert.equal(moduleOf('file:///r/node_modules/@scope/pkg/x.js', 'f'), '@scope/pkg');
    assert.equal(moduleOf('file:///r/proxy/gateway/forward.ts', 'f'), 'proxy/gateway/forward.ts');
    assert.equal(moduleOf('', '(garbage collector)'), '(garbage collector)');
  });
});
