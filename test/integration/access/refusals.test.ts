// What the workflow refuses, over the API: cookie calls that could be forged (CSRF), approving
// one's own request (bob is staff and an approver), approving past the deadline, bad bodies and
// ids, what policy does not allow; and what refusals leave: denials and expiry reach the
// requester's stream and the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { call, EventStream, portalCookie, type ApiReply } from './api-client.js';

let demo: TestDemo;
let alice: TestBrowser;
let bob: TestBrowser;
let aliceStream: EventStream;

before(async () => {
  demo = await startTestDemo();
  alice = await demo.login('alice');
  bob = await demo.login('bob');
  aliceStream = await EventStream.open(demo.url, { cookie: portalCookie(alice) });
});
after(async () => {
  aliceStream?.close();
  await demo.stop();
});

const asAlice = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(alice, demo.url, method, path, body, headers);
const asBob = (method: string, path: string, body?: unknown) =>
  call(bob, demo.url, method, path, body);

function refused(reply: ApiReply, status: number, code: string) {
  assert.equal(reply.status, status, reply.body.slice(0, 300));
  assert.equal(reply.json.error?.code, code);
  assert.equal(reply.headers['x-jitgate-error'], code);
}

const payroll = { resource: 'payroll', duration: '30m', reason: 'month-end run' };

void describe('CSRF on cookie calls', () => {
  void it('refuses a cookie POST without Origin or Sec-Fetch-Site', async () => {
    refused(
      await asAlice('POST', '/api/v1/requests', payroll, { origin: '' }),
      403,
      'csrf_refused',
    );
  });

  void it('refuses a cookie POST from a foreign origin, even a sibling app host', async () => {
    for (const origin of ['https://evil.example', demo.payrollOrigin, 'null']) {
      refused(await asAlice('POST', '/api/v1/requests', payroll, { origin }), 403, 'csrf_refused');
    }
  });

  void it('refuses a form-encoded cookie POST from the portal origin', async () => {
    const reply = await asAlice('POST', '/api/v1/requests', undefined, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    refused(reply, 403, 'csrf_refused');
  });

  void it('accepts Sec-Fetch-Site: same-origin when there is no Origin', async () => {
    // An empty body gets past CSRF and is refused for what it lacks.
    const reply = await asAlice(
      'POST',
      '/api/v1/requests',
      {},
      {
        origin: '',
        'sec-fetch-site': 'same-origin',
      },
    );
    refused(reply, 400, 'invalid_body');
    assert.match(reply.json.error?.code === 'invalid_body' ? reply.body : '', /resource/);
  });
});

void describe('refusals', () => {
  void it('bob may not approve his own request (he is staff and an approver)', async () => {
    const created = await asBob('POST', '/api/v1/requests', payroll);
    assert.equal(created.status, 201, created.body);
    const id = (created.json.request as { id: string }).id;
    refused(await asBob('POST', `/api/v1/requests/${id}/approve`, {}), 403, 'not_an_approver');
    const cancelled = await asBob('POST', `/api/v1/requests/${id}/cancel`, {});
    assert.equal(cancelled.status, 200, cancelled.body);
    assert.equal((cancelled.json.request as { state: string }).state, 'cancelled');
  });

  void it('approving a request past its deadline is refused as expired', async () => {
    const created = await asAlice('POST', '/api/v1/requests', { ...payroll, duration: '1h' });
    assert.equal(created.status, 201, created.body);
    const id = (created.json.request as { id: string }).id;
    const stored = await demo.jitgate.store.requests.get(id);
    assert.ok(stored);
    // Back-date the deadline as an unanswered hour would. The expiry sweep may or may not have
    // written it down before bob answers: he hears 'expired' either way.
    assert.ok(
      await demo.jitgate.store.requests.update({ ...stored, expiresAt: Date.now() - 1 }, 'pending'),
    );
    refused(await asBob('POST', `/api/v1/requests/${id}/approve`, {}), 409, 'request_expired');
    // The sweep (run now, not waited for on its 5 s clock) writes it down as expired, and
    // alice's stream says so.
    await demo.jitgate.requests.expireOverdue();
    await aliceStream.next(
      'request.updated',
      (d) => (d.request as { id: string; state: string }).id === id,
    );
    assert.equal((await demo.jitgate.store.requests.get(id))?.state, 'expired');
  });

  void it('bob denies with a comment; alice hears it', async () => {
    const created = await asAlice('POST', '/api/v1/requests', payroll);
    const id = (created.json.request as { id: string }).id;
    const denied = await asBob('POST', `/api/v1/requests/${id}/deny`, { comment: 'not today' });
    assert.equal(denied.status, 200, denied.body);
    const event = await aliceStream.next(
      'request.updated',
      (d) => (d.request as { id: string; state: string }).id === id,
    );
    assert.deepEqual(
      [
        (event.data.request as { state: string }).state,
        (event.data.request as { comment: string }).comment,
      ],
      ['denied', 'not today'],
    );
  });

  void it('validates bodies and ids, naming the field', async () => {
    const bad = await asAlice('POST', '/api/v1/requests', { ...payroll, duration: 'soon' });
    refused(bad, 400, 'invalid_body');
    assert.match(bad.json.error?.code ? bad.body : '', /duration/);
    refused(
      await asAlice('POST', '/api/v1/requests', { ...payroll, extra: 1 }),
      400,
      'invalid_body',
    );
    refused(
      await asAlice('POST', '/api/v1/requests', { ...payroll, resource: 'nope' }),
      404,
      'unknown_resource',
    );
    refused(await asBob('POST', '/api/v1/requests/nope/approve', {}), 400, 'invalid_request_id');
    refused(
      await asBob('POST', '/api/v1/requests/req_unknown12345/approve', {}),
      404,
      'unknown_request',
    );
  });

  void it('refuses free text that is not valid Unicode at the edge, naming the field', async () => {
    // A lone surrogate (JSON "\ud800") cannot be stored as UTF-8 unchanged: refused as the
    // input it is, before any state changes, instead of failing later in the audit log.
    const loneSurrogate = 'month-end \ud800 run';
    const request = await asAlice('POST', '/api/v1/requests', {
      ...payroll,
      reason: loneSurrogate,
    });
    refused(request, 400, 'invalid_body');
    assert.match(request.body, /"reason: [^"]*Unicode/);
    const revoke = await asBob('POST', '/api/v1/grants/grt_unknown12345/revoke', {
      reason: loneSurrogate,
    });
    refused(revoke, 400, 'invalid_body');
    assert.match(revoke.body, /"reason: [^"]*Unicode/);
  });

  void it('a policy refusal is a 403 with its reasons', async () => {
    const reply = await asAlice('POST', '/api/v1/requests', { ...payroll, duration: '9h' });
    refused(reply, 403, 'policy_denied');
    assert.match(reply.json.error?.reasons?.[0] ?? '', /longer than the 8h/);
  });
});

void describe('the trail of refusals', () => {
  void it('is in the audit log, in order', async () => {
    const events = await demo.jitgate.audit.list({ order: 'asc', limit: 1000 });
    const codes = events.map((e) => e.code).filter((code) => code.startsWith('request.'));
    assert.deepEqual(codes.slice(0, 7), [
      'request.created',
      'request.cancelled',
      'request.created',
      'request.expired',
      'request.created',
      'request.denied',
      'request.denied',
    ]);
    assert.equal((await demo.jitgate.audit.verify()).ok, true);
  });
});
