/**
 * What a client without a session can cost: sign-in starts leave no state on the server (the
 * login transaction is a cookie of the browser), and starts and failed sign-ins are limited per
 * client with a clear 429 (code, message, Retry-After). Failed sign-ins are audited up to the
 * limit, plus one `auth.rate_limited`, and no more. The demo here runs with small limits.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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

function sessionRows(): number {
  const db = openSqlite(join(demo.stateDir, 'jitgate.db'));
  try {
    return Number(db.get('SELECT count(*) AS n FROM sessions')?.n);
  } finally {
    db.close();
  }
}

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

  void it('failed sign-ins: audited up to the limit, then 429 without an audit event', async () => {
    const audited = await auditCount('auth.login_failed');
    const answers: Reply[] = [];
    for (let i = 0; i < FAILURES + 20; i++)
      answers.push(
        await rawRequest(`${demo.url}/auth/callback?code=x&state=${'s'.repeat(40)}${i}`, {
          headers: json,
        }),
      );
    assert.deepEqual(
      answers.slice(0, FAILURES).map((a) => a.headers['x-jitgate-error']),
      Array(FAILURES).fill('login_expired'),
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
