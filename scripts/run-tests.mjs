#!/usr/bin/env node
// Runs the test files of the given layers (unit, integration, e2e; default all) with node:test.
// Node 20 has no glob support in --test, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LAYERS = ['unit', 'integration', 'e2e'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const layers = wanted.length > 0 ? wanted : LAYERS;

function collect(dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...collect(path));
    else if (name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

let failed = false;
for (const layer of layers) {
  if (!LAYERS.includes(layer)) {
    console.error(`unknown test layer "${layer}" (expected ${LAYERS.join(', ')})`);
    process.exit(2);
  }
  const files = collect(join('test', layer));
  if (files.length === 0) continue;
  console.log(`\n# ${layer}: ${files.length} files`);
  // Browser tests share one Chromium per file and are heavy: run those files one at a time.
  const concurrency = layer === 'e2e' ? 1 : 2;
  // Node 20 applies --test-timeout to each whole file. An integration or e2e file is a sequence
  // of slow steps (child processes, a browser, a CLI start-up) whose sum depends on how busy the
  // machine is, so there each test and hook carries its own bound instead
  // (test/support/guarded-test.ts); a unit file, all in-process, gets two minutes as a whole.
  const timeout = layer === 'unit' ? ['--test-timeout=120000'] : [];
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${concurrency}`,
      ...timeout,
      ...extra,
      ...files,
    ],
    { stdio: 'inherit', env: { ...process.env, JITGATE_TEST: '1' } },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
