// The gateway's access decision: no session → login redirect or 401, no grant → 403 page with
// "Request access" or JSON; with a grant a navigation reaches payroll; revoke and expiry refuse
// the very next request. (What reaches the app is in identity-headers.test.ts; live connections
// and bodies in live-connections.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from '../../support/guarded-test.js';
import { rawRequest, type Reply } from '../../support/http-client.js';
import { appWebSocket, waitFor } from '../../support/wire.js';
import {
  alice,
  APP_COOKIE,
  appCookie,
  demo,
  grantAlice,
  usePayrollAsAlice,
  wsHeaders,
  xhr,
} from './payroll-as-alice.js';

usePayrollAsAlice();

function errorCode(reply: Reply): string | undefined {
  return (JSON.parse(reply.body) as { error?: { code?: string } }).error?.code;
}

void describe('without a session', () => {
  void it('redirects a navigation to the portal login for this app', async () => {
    const reply = await rawRequest(`${demo.payrollOrigin}/headers?x=1`, {
      headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' },
    });
    assert.equal(reply.status, 302);
    const location = new URL(reply.headers.location ?? '');
    assert.equal(location.origin + location.pathname, `${demo.url}/auth/app`);
    assert.equal(location.searchParams.get('rd'), `${demo.payrollOrigin}/headers?x=1`);
  });

  void it('answers an XHR with 401 JSON', async () => {
    const reply = await xhr('/headers', {}, '');
    assert.equal(reply.status, 401);
    assert.match(reply.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(errorCode(reply), 'unauthenticated');
    assert.equal(reply.headers['x-jitgate-error'], 'unauthenticated');
  });

  void it('refuses a WebSocket', async () => {
    const { outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      origin: demo.payrollOrigin,
    });
    assert.equal(await outcome, 401);
  });
});

void describe('logged in, without a grant', () => {
  void it('shows a 403 page naming the resource and offering "Request access"', async () => {
    const reply = await alice.navigate(`${demo.payrollOrigin}/headers`);
    assert.equal(reply.status, 403);
    assert.match(reply.headers['content-type'] ?? '', /^text\/html/);
    assert.match(reply.body, /Request access/);
    assert.match(reply.body, /Payroll/);
    assert.match(reply.body, new RegExp(`href="${demo.url}/resources/payroll"`));
    assert.doesNotMatch(reply.body, /"headers"/, 'nothing of the app leaks');
  });

  void it('answers an XHR with 403 JSON no_grant', async () => {
    const reply = await xhr('/headers');
    assert.equal(reply.status, 403);
    assert.match(reply.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(errorCode(reply), 'no_grant');
    // Without Fetch Metadata (older clients, scripts) the Accept header decides.
    const plain = await rawRequest(`${demo.payrollOrigin}/headers`, {
      headers: { accept: 'application/json', cookie: `${APP_COOKIE}=${appCookie}` },
    });
    assert.equal(plain.status, 403);
    assert.equal(errorCode(plain), 'no_grant');
  });

  void it('refuses a WebSocket with 403', async () => {
    const { outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', wsHeaders());
    assert.equal(await outcome, 403);
  });
});

void describe('with a grant', () => {
  void it('also serves a browser navigation', async () => {
    await grantAlice();
    const reply = await alice.navigate(`${demo.payrollOrigin}/`);
    assert.equal(reply.status, 200);
    assert.match(reply.body, /<dd id="sub">demo:alice<\/dd>/);
  });

  void it('refuses the very next request after a revoke', async () => {
    const grant = await grantAlice();
    assert.equal((await xhr('/headers')).status, 200);
    await demo.jitgate.grants.revoke(grant.id, 'test');
    const reply = await xhr('/headers');
    assert.equal(reply.status, 403);
    assert.equal(errorCode(reply), 'no_grant');
  });

  void it('refuses requests once the grant has expired', async () => {
    const grant = await grantAlice(1500);
    assert.equal((await xhr('/headers')).status, 200);
    await waitFor(() => Date.now() >= grant.endsAt, 3000, 'the grant to end');
    const reply = await xhr('/headers');
    assert.equal(reply.status, 403);
    assert.equal(errorCode(reply), 'no_grant');
  });
});
