// `npx jitgate serve` executes bin/jitgate.mjs itself: its shebang (`env -S`) must run node with
// the memory settings docs/operations.md describes, on this machine, not only parse.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from '../../support/guarded-test.js';
import { shippedLaunch } from '../../../bench/launch.js';

const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jitgate-launch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void describe('the jitgate command', () => {
  void it('runs node with the flags and environment of its first line', () => {
    const report = join(dir, 'report.cjs');
    writeFileSync(
      report,
      `process.stderr.write('LAUNCH ' + JSON.stringify({ argv: process.execArgv, arena: process.env.MALLOC_ARENA_MAX }) + '\\n');`,
    );
    const run = spawnSync(BIN, ['--help'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: `--require ${report}`, JITGATE_FROM_SOURCE: '1' },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /usage: jitgate COMMAND/);
    const line = /^LAUNCH (.*)$/m.exec(run.stderr)?.[1];
    assert.ok(line, run.stderr);
    const seen = JSON.parse(line) as { argv: string[]; arena?: string };
    const shipped = shippedLaunch(BIN);
    for (const flag of shipped.nodeArgs) assert.ok(seen.argv.includes(flag), `${flag} missing`);
    assert.equal(seen.arena, shipped.env.MALLOC_ARENA_MAX);
    assert.equal(seen.arena, '2');
  });
});
