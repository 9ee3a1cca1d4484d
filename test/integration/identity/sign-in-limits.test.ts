/**
 * What a client without a session can cost: sign-in starts leave no state on the server (the
 * login transaction is a cookie of the browser), and starts and failed sign-ins are limited per
 * client with a clear 429 (code, message, Retry-After). Failed sign-ins are audited up to the
 * limit, plus one `auth.rate_limited`, and no more. SAML logins share the same limits: a SAML
 * start counts as a start, a refused SAML answer as a failure. The demo here runs with small
 * limits.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { openSqlite } from '../../../proxy/store/sqlite/database.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type Reply } from '../../support/http-client.js';

const STARTS = 30;
const FAILURES = 4;

let demo: TestDemo;
before(async () => {
  demo = await startTestDemo({
    rateLimits: {
      signInStarts: { max: STARTS, window: '1h' },
      signInFailures: { max: FAILURES, window: '1h' },
    },
  });
});
after(() => demo.stop());

function rows(table: 'sessions' | 'saml_requests'): number {
  const db = openSqlite(join(demo.stateDir, 'jitgate.db'));
  try {
    return Number(db.get(`SELECT count(*) AS n FROM ${table}`)?.n);
  } finally {
    db.close();
  }
}
const sessionRows = () => rows('sessions');

/** A SAML answer that is not one (refused as saml_malformed), posted to the demo SAML ACS. */
const samlGarbage = () =>
  rawRequest(`${demo.url}/auth/saml/demo-saml/acs`, {
    method: 'POST',
    headers: { ...json, 'content-type': 'application/x-www-form-urlencoded' },
    body: `SAMLResponse=${encodeURIComponent(Buffer.from('<not-saml/>').toString('base64'))}`,
  });

const auditCount = async (code: string) =>
  (await demo.jitgate.audit.list({ code, limit: 1000 })).length;

function assertRateLimited(reply: Reply) {
  assert.equal(reply.status, 429, reply.body.slice(0, 200));
  assert.equal(reply.headers['x-jitgate-error'], 'rate_limited');
  const retryAfter = Number(reply.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After: ${retryAfter}`);
  const { error } = JSON.parse(reply.body) as {
    error: { code: string; message: string; retryAfter: number };
  };
  assert.equal(error.code, 'rate_limited');
  assert.match(error.message, /try again in \d+ s/);
  assert.equal(error.retryAfter, retryAfter);
}

const json = { accept: 'application/json' };

void describe('sign-in starts and failures are bounded per client', () => {
  void it('sign-in starts create no session and no server state', async () => {
    const before = sessionRows();
    const starts = await Promise.all(
      Array.from({ length: STARTS - 5 }, () => rawRequest(`${demo.url}/auth/login?idp=demo`)),
    );
    for (const start of starts) {
      assert.equal(start.status, 302);
      const cookies = start.headers['set-cookie'] ?? [];
      assert.ok(!cookies.some((c) => c.startsWith('jitgate_session=')), 'no session cookie');
      assert.ok(
        cookies.some((c) => c.startsWith('jitgate_session_login_')),
        'a login cookie',
      );
    }
    assert.equal(sessionRows(), before);
  });

  void it('past the start limit: 429 with Retry-After, audited once', async () => {
    const answers: Reply[] = [];
    for (let i = 0; i < 10; i++)
      answers.push(await rawRequest(`${demo.url}/auth/login?idp=demo`, { headers: json }));
    assert.deepEqual(
      answers.map((a) => a.status),
      [302, 302, 302, 302, 302, 429, 429, 429, 429, 429],
    );
    for (const refused of answers.slice(5)) assertRateLimited(refused);
    const [limited] = await demo.jitgate.audit.list({ code: 'auth.rate_limited', limit: 10 });
    assert.equal(await auditCount('auth.rate_limited'), 1);
    assert.equal((limited?.data as { limit?: string } | undefined)?.limit, 'starts');
  });

  void it('a SAML start counts against the same limit and stores no request past it', async () => {
    const stored = rows('saml_requests');
    assertRateLimited(await rawRequest(`${demo.url}/auth/login?idp=demo-saml`, { headers: json }));
    assert.equal(rows('saml_requests'), stored, 'no SAML request stored past the limit');
  });

  void it('failed sign-ins: audited up to the limit, then 429 without an audit event', async () => {
    const audited = await auditCount('auth.login_failed');
    const answers: Reply[] = [];
    // OIDC callbacks and SAML answers in turn: both use up the one allowance.
    for (let i = 0; i < FAILURES + 20; i++)
      answers.push(
        i % 2 === 0
          ? await rawRequest(`${demo.url}/auth/callback?code=x&state=${'s'.repeat(40)}${i}`, {
              headers: json,
            })
          : await samlGarbage(),
      );
    assert.deepEqual(
      answers.slice(0, FAILURES).map((a) => a.headers['x-jitgate-error']),
      Array.from({ length: FAILURES }, (_, i) =>
        i % 2 === 0 ? 'login_expired' : 'saml_malformed',
      ),
    );
    for (const refused of answers.slice(FAILURES)) assertRateLimited(refused);
    assert.equal(await auditCount('auth.login_failed'), audited + FAILURES);
    assert.equal(await auditCount('auth.rate_limited'), 2, 'once for starts, once for failures');
  });

  void it('a client refused for failures may not start a sign-in either', async () => {
    const start = await rawRequest(`${demo.url}/auth/login?idp=vendors`, { headers: json });
    assertRateLimited(start);
    assert.match(start.body, /too many failed sign-ins/);
  });
});
