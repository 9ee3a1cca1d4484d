// docs/terminals.md lists every reason a recording can fail verification with the words the
// recorder gives it (recorder/asciicast/signature.ts), and no reason that does not exist: the
// API, the portal and `jitgate recordings verify` all answer these codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { VERIFY_FAILURES } from '../../../recorder/asciicast/index.js';

const docs = readFileSync('docs/terminals.md', 'utf8');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

void test('every verification reason is in the docs/terminals.md table with its meaning', () => {
  const missing = Object.entries(VERIFY_FAILURES).filter(
    ([reason, meaning]) =>
      !new RegExp(`^\\|\\s*\`${escape(reason)}\`\\s*\\|\\s*${escape(meaning)}\\s*\\|$`, 'm').test(
        docs,
      ),
  );
  assert.deepEqual(
    missing.map(([reason]) => reason),
    [],
    'add these rows to the reasons table of docs/terminals.md (as in signature.ts)',
  );
});

void test('docs/terminals.md documents no verification reason that does not exist', () => {
  const start = docs.indexOf('| reason ');
  const table = docs.slice(start, docs.indexOf('\n\n', start));
  const documented = [...table.matchAll(/^\|\s*`([a-z_]+)`\s*\|/gm)].map((m) => m[1] ?? '');
  assert.deepEqual(
    documented.filter((reason) => !Object.hasOwn(VERIFY_FAILURES, reason)),
    [],
  );
});
