// Bearer tokens for non-browser clients and the life of event streams: a portal session issues a
// token (never a token), the token works without Origin or cookie, reaches the event stream, and
// once revoked is refused and its open stream ends at once; logout ends a session's streams;
// streams per person are capped and leave no listeners behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { csrfOf } from '../../support/portal.js';
import { bearerCall, call, EventStream, portalCookie, type ApiReply } from './api-client.js';

let demo: TestDemo;
let alice: TestBrowser;
let bob: TestBrowser;

before(async () => {
  demo = await startTestDemo();
  alice = await demo.login('alice');
  bob = await demo.login('bob');
});
after(() => demo.stop());

function refused(reply: ApiReply, status: number, code: string) {
  assert.equal(reply.status, status, reply.body.slice(0, 300));
  assert.equal(reply.json.error?.code, code);
}

async function issue(browser: TestBrowser, body: Record<string, unknown> = {}) {
  const reply = await call(browser, demo.url, 'POST', '/api/v1/tokens', body);
  assert.equal(reply.status, 201, reply.body);
  return reply.json as { token: string; id: string; expiresAt: string; label: string | null };
}

void describe('bearer tokens', () => {
  void it('are issued to a session: jgt_, at most 12 h, audited without the secret', async () => {
    const started = Date.now();
    const issued = await issue(alice, { label: 'laptop cli', ttl: '2h' });
    assert.match(issued.token, /^jgt_[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.label, 'laptop cli');
    const ttl = Date.parse(issued.expiresAt) - started;
    assert.ok(ttl > 2 * 3_600_000 - 5000 && ttl <= 2 * 3_600_000 + 5000, String(ttl));
    const [event] = await demo.jitgate.audit.list({ code: 'token.issued', limit: 10 });
    assert.equal(event?.target, issued.id);
    assert.ok(!JSON.stringify(event).includes(issued.token), 'the token never reaches the log');
    const stored = await demo.jitgate.store.tokens.get(issued.id);
    assert.notEqual(stored?.tokenHash, issued.token);
    const tooLong = await call(alice, demo.url, 'POST', '/api/v1/tokens', { ttl: '13h' });
    refused(tooLong, 400, 'invalid_body');
    assert.match(tooLong.body, /ttl/);
  });

  void it('act as the person, without cookie or Origin', async () => {
    const { token } = await issue(alice);
    const me = await bearerCall(token, demo.url, 'GET', '/api/v1/me');
    assert.equal(me.status, 200, me.body);
    assert.equal((me.json.user as { username: string }).username, 'alice');
    assert.equal(me.json.via, 'token');
    const created = await bearerCall(token, demo.url, 'POST', '/api/v1/requests', {
      resource: 'payroll',
      duration: '15m',
      reason: 'from the cli',
    });
    assert.equal(created.status, 201, created.body);
    const id = (created.json.request as { id: string }).id;
    const cancelled = await bearerCall(token, demo.url, 'POST', `/api/v1/requests/${id}/cancel`);
    assert.equal(cancelled.status, 200, cancelled.body);
  });

  void it('let an auditor’s collector tail the audit log; anyone else is refused', async () => {
    const carol = await demo.login('carol');
    const { token } = await issue(carol, { label: 'siem collector' });
    const page = await bearerCall(token, demo.url, 'GET', '/api/v1/audit?limit=5');
    assert.equal(page.status, 200, page.body);
    assert.ok(Array.isArray(page.json.events) && page.json.events.length > 0, page.body);
    const exported = await bearerCall(
      token,
      demo.url,
      'GET',
      '/api/v1/audit/export?code=token.issued',
    );
    assert.equal(exported.status, 200, exported.body);
    assert.match(exported.body, /"code":"token\.issued"/);
    const [audit] = await demo.jitgate.audit.list({ code: 'audit.exported', limit: 1 });
    assert.equal(audit?.actor, 'demo:carol');
    const alices = await issue(alice);
    refused(
      await bearerCall(alices.token, demo.url, 'GET', '/api/v1/audit'),
      403,
      'auditor_required',
    );
  });

  void it('cannot issue tokens themselves', async () => {
    const { token } = await issue(alice);
    refused(
      await bearerCall(token, demo.url, 'POST', '/api/v1/tokens', {}),
      403,
      'session_required',
    );
  });

  void it('unknown or malformed bearers are refused, never mistaken for the cookie', async () => {
    for (const bearer of ['jgt_nope', 'something-else']) {
      const reply = await call(alice, demo.url, 'GET', '/api/v1/me', undefined, {
        authorization: `Bearer ${bearer}`,
      });
      assert.equal(reply.status, 401, bearer);
    }
  });

  void it('revoking the current token refuses it next and ends its stream at once', async () => {
    const { token, id } = await issue(alice, { label: 'to revoke' });
    const stream = await EventStream.open(demo.url, { authorization: `Bearer ${token}` });
    assert.equal(stream.status, 200);
    refused(
      await call(alice, demo.url, 'DELETE', '/api/v1/tokens/current', {}),
      403,
      'token_required',
    );
    const revoked = await bearerCall(token, demo.url, 'DELETE', '/api/v1/tokens/current');
    assert.equal(revoked.status, 200, revoked.body);
    assert.equal(revoked.json.revoked, id);
    await stream.closed(1000);
    assert.equal(stream.events.at(-1)?.event, 'end');
    refused(await bearerCall(token, demo.url, 'GET', '/api/v1/me'), 401, 'invalid_token');
    const [event] = await demo.jitgate.audit.list({ code: 'token.revoked', limit: 10 });
    assert.equal(event?.target, id);
  });
});

void describe('event streams', () => {
  void it('a token stream hears its person’s events', async () => {
    const { token } = await issue(alice);
    const stream = await EventStream.open(demo.url, { authorization: `Bearer ${token}` });
    const created = await call(alice, demo.url, 'POST', '/api/v1/requests', {
      resource: 'payroll',
      duration: '10m',
      reason: 'stream check',
    });
    const id = (created.json.request as { id: string }).id;
    await stream.next('request.created', (d) => (d.request as { id: string }).id === id);
    await call(alice, demo.url, 'POST', `/api/v1/requests/${id}/cancel`, {});
    await stream.next(
      'request.updated',
      (d) => (d.request as { state: string }).state === 'cancelled',
    );
    stream.close();
  });

  void it('need a caller', async () => {
    const stream = await EventStream.open(demo.url, {});
    assert.equal(stream.status, 401);
    stream.close();
  });

  void it('are capped per person (429), and closing them removes every listener', async () => {
    const baseline = demo.jitgate.events.listenerCount;
    const cookie = portalCookie(bob);
    const streams: EventStream[] = [];
    for (let i = 0; i < 10; i++) streams.push(await EventStream.open(demo.url, { cookie }));
    assert.ok(streams.every((s) => s.status === 200));
    const eleventh = await EventStream.open(demo.url, { cookie });
    assert.equal(eleventh.status, 429);
    eleventh.close();
    const other = await EventStream.open(demo.url, { cookie: portalCookie(alice) });
    assert.equal(other.status, 200, 'the cap is per person');
    other.close();
    streams.forEach((s) => s.close());
    const deadline = Date.now() + 2000;
    while (demo.jitgate.events.listenerCount !== baseline && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(demo.jitgate.events.listenerCount, baseline);
  });

  void it('logout ends the session’s streams', async () => {
    const carol = await demo.login('carol');
    const me = await call(carol, demo.url, 'GET', '/api/v1/me');
    const carolId = (me.json.user as { id: string }).id;
    const stream = await EventStream.open(demo.url, { cookie: portalCookie(carol) });
    assert.equal(stream.status, 200);
    const signOut = await carol.request(`${demo.url}/auth/logout`);
    const logout = await carol.request(`${demo.url}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: demo.url },
      body: new URLSearchParams({ _csrf: csrfOf(signOut) }).toString(),
    });
    assert.equal(logout.status, 303);
    await stream.closed(1000);
    const [event] = await demo.jitgate.audit.list({ code: 'auth.logout', limit: 10 });
    assert.equal(event?.actor, carolId);
  });
});
