// The error-code table is the one source: docs/api.md's table is generated from it, every code in
// it is used, and the compiler refuses a code not in it or a status it does not list.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import { PolicyRefusal } from '../../../proxy/access/refusal.js';
import { refuseUpgrade } from '../../../proxy/gateway/app-upgrade.js';
import { sendJsonError } from '../../../proxy/gateway/responses.js';
import { ERROR_CODES, errorRows } from '../../../proxy/shared/error-codes.js';
import { forbidden, JitgateError, notFound } from '../../../proxy/shared/errors.js';
import { API_DOCS_PATH, renderApiDocs } from '../../../scripts/generate-error-docs.js';

void test('docs/api.md has the error table the code table renders', async () => {
  const page = readFileSync(API_DOCS_PATH, 'utf8');
  assert.equal(page, await renderApiDocs(page), 'docs/api.md is stale: run npm run docs:errors');
});

void test('every code has a 4xx or 5xx status and a meaning', () => {
  for (const row of errorRows()) {
    assert.ok(row.status >= 400 && row.status < 600, `${row.code}: ${row.status}`);
    assert.ok(row.meaning.trim().length > 10, row.code);
    assert.match(row.code, /^[a-z]+(_[a-z]+)*$/);
  }
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') || path.endsWith('.js') ? [path] : [];
  });
}

void test('every code in the table is one jitgate really answers with', () => {
  const text = sources('proxy')
    .filter((path) => !path.endsWith('error-codes.ts'))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
  const unused = Object.keys(ERROR_CODES).filter((code) => !text.includes(`'${code}'`));
  assert.deepEqual(unused, [], 'remove these from proxy/shared/error-codes.ts, or use them');
});

void test('the compiler holds codes and statuses to the table', () => {
  // Each line below must fail to type-check (tsc reports an unused @ts-expect-error otherwise).
  const wrong = [
    // @ts-expect-error 404 is not a status the table lists for grant_not_live
    () => new JitgateError(404, 'grant_not_live', 'x'),
    // @ts-expect-error not a code of the table
    () => new JitgateError(400, 'no_such_code', 'x'),
    // @ts-expect-error unknown_grant is a 404, not a 403
    () => forbidden('unknown_grant', 'x'),
    // @ts-expect-error not_an_approver is refused with 403 only
    () => new PolicyRefusal([409, 'not_an_approver'], []),
    // @ts-expect-error the gateway's own answers too: no_grant is a 403
    (res: ServerResponse) => sendJsonError(res, 404, 'no_grant', 'x'),
    // @ts-expect-error and its upgrade refusals: foreign_origin is a 403
    (socket: Duplex) => refuseUpgrade(socket, 400, 'foreign_origin', 'x'),
  ];
  assert.equal(wrong.length, 6);
  assert.equal(new JitgateError(409, 'session_not_live', 'x').status, 409);
  assert.equal(notFound('session_not_live', 'x').status, 404);
});

void test('a policy refusal is typed and carries its reasons in its JSON', () => {
  const refusal = new PolicyRefusal([409, 'policy_denied'], ['denied: a', 'denied: b']);
  assert.ok(refusal instanceof JitgateError);
  assert.equal(refusal.message, 'denied: a; denied: b');
  assert.deepEqual(refusal.toJSON(), {
    error: {
      code: 'policy_denied',
      message: 'denied: a; denied: b',
      reasons: ['denied: a', 'denied: b'],
    },
  });
});
