// The bench runs jitgate as `jitgate serve` runs in a deployment: with the environment and node
// flags of bin/jitgate.mjs's shebang. Parsing that line is pure; a line that does not run node
// through env stops the bench instead of measuring something else.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { JITGATE_BIN, parseShebang, shippedLaunch } from '../../../bench/launch.js';

void describe('parseShebang', () => {
  test('splits the assignments from the node flags', () => {
    assert.deepEqual(parseShebang('#!/usr/bin/env -S A=1 B_2=x=y node --one --two=2'), {
      env: { A: '1', B_2: 'x=y' },
      nodeArgs: ['--one', '--two=2'],
    });
    assert.deepEqual(parseShebang('#!/usr/bin/env node'), { env: {}, nodeArgs: [] });
  });

  test('refuses a line that is not env running node', () => {
    assert.throws(() => parseShebang('#!/bin/sh'), /not an \/usr\/bin\/env shebang/);
    assert.throws(() => parseShebang('#!/usr/bin/env -S A=1 python3'), /does not run node/);
    assert.throws(() => parseShebang('// no shebang'), /not an \/usr\/bin\/env shebang/);
  });

  test('reads the shipped command', () => {
    const launch = shippedLaunch();
    assert.ok(launch.nodeArgs.every((arg) => arg.startsWith('--')));
    assert.ok(launch.nodeArgs.some((arg) => arg.startsWith('--max-semi-space-size=')));
    assert.ok(launch.nodeArgs.includes('--liftoff-only'));
  });

  test('the shipped line fits what kernels before 5.1 read of it', () => {
    // BINPRM_BUF_SIZE was 128 bytes before Linux 5.1 (RHEL 8 still runs 4.18): a longer line
    // loses its tail, and node would start with a truncated flag.
    const line = readFileSync(JITGATE_BIN, 'utf8').split('\n', 1)[0] ?? '';
    assert.ok(Buffer.byteLength(line) <= 127, `${Buffer.byteLength(line)} bytes`);
  });
});
