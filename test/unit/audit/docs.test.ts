// docs/audit.md lists every event code and every login refusal reason with the description
// codes.ts gives it, so the documented contract and the code cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AUDIT_CODES, LOGIN_FAILURE_REASONS } from '../../../proxy/audit/codes.js';

const docs = readFileSync('docs/audit.md', 'utf8');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

void test('every audit code is in the docs/audit.md table with its description', () => {
  const missing = Object.entries(AUDIT_CODES).filter(
    ([code, description]) =>
      !new RegExp(`^\\|\\s*\`${escape(code)}\`\\s*\\|\\s*${escape(description)}\\s*\\|$`, 'm').test(
        docs,
      ),
  );
  assert.deepEqual(
    missing.map(([code]) => code),
    [],
    'add these rows to docs/audit.md (code | description as in proxy/audit/codes.ts)',
  );
});

void test('docs/audit.md documents no code that does not exist', () => {
  const documented = [...docs.matchAll(/^\|\s*`([a-z_]+\.[a-z_]+)`\s*\|/gm)].map((m) => m[1]);
  assert.deepEqual(
    documented.filter((code) => !Object.hasOwn(AUDIT_CODES, code ?? '')),
    [],
  );
});

void test('every login refusal reason is in the docs/audit.md table with its description', () => {
  const row = (reason: string, description: string) =>
    new RegExp(`^\\|\\s*\`${escape(reason)}\`\\s*\\|\\s*${escape(description)}\\s*\\|$`, 'm');
  const missing = Object.entries(LOGIN_FAILURE_REASONS).filter(
    ([reason, description]) => !row(reason, description).test(docs),
  );
  assert.deepEqual(
    missing.map(([reason]) => reason),
    [],
    'add these rows to the reasons table of docs/audit.md (as in proxy/audit/codes.ts)',
  );
});
