/**
 * The API and the portal answer "what may I request now, for how long, with what" and "may I
 * deny, may I revoke" the same way, because both ask access/: a vendor outside his access window
 * is offered nothing by either (inside it, the same 4h), a ticketed policy asks for a ticket in
 * both, a denial needs a comment in both, and the Approvals page lists only the grants its
 * viewer may really revoke.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { Reply, TestBrowser } from '../../support/http-client.js';
import { submit } from '../../support/portal.js';
import { startTestProxy, testUser, type TestProxy } from '../../support/test-proxy.js';
import { call, type ApiReply } from './api-client.js';

const DAY = 86_400_000;

/** The next instant (from real time) that is `weekday` (0 = Sunday) at `hour`:00 UTC. */
function next(weekday: number, hour: number): number {
  const start = new Date();
  start.setUTCHours(hour, 0, 0, 0);
  let at = start.getTime();
  while (new Date(at).getUTCDay() !== weekday || at <= Date.now()) at += DAY;
  return at;
}
/** Saturday noon: outside Mon–Fri 07:00–19:00 Berlin. Wednesday 10:00 UTC: inside it. */
const SATURDAY_NOON = next(6, 12);
const WEDNESDAY_MORNING = next(3, 10);

const web = (id: string) => ({
  id,
  kind: 'web',
  host: `${id}.localhost`,
  upstream: 'http://127.0.0.1:9',
});
const noStepUp = { approve: false };

let proxy: TestProxy;
const browsers = new Map<string, TestBrowser>();

before(async () => {
  proxy = await startTestProxy({
    users: [
      testUser('alice', ['staff']),
      testUser('bob', ['staff', 'payroll-approvers']),
      testUser('dana', ['vendor-managers']),
      testUser('vic', ['vendors']),
    ],
    idps: { corp: {}, partners: { kind: 'vendor' } },
    config: {
      // The test moves the clock by days: sessions must outlast that.
      session: { maxAge: '30d', idleTimeout: '30d' },
      resources: [web('payroll'), web('wiki')],
      policies: [
        {
          id: 'staff-payroll',
          resources: ['payroll'],
          subjects: { groups: ['staff'] },
          maxDuration: '8h',
          approval: { groups: ['payroll-approvers'] },
          mfa: noStepUp,
        },
        {
          id: 'staff-wiki',
          resources: ['wiki'],
          subjects: { groups: ['staff'] },
          maxDuration: '2h',
          requireReason: false,
          ticketPattern: '^INC-[0-9]+$',
          approval: { groups: ['payroll-approvers'] },
          mfa: noStepUp,
        },
        {
          id: 'vendor-payroll',
          resources: ['payroll'],
          subjects: { groups: ['vendors'], kinds: ['vendor'] },
          maxDuration: '4h',
          approval: { groups: ['vendor-managers'] },
          mfa: noStepUp,
          windows: [
            {
              days: ['mon', 'tue', 'wed', 'thu', 'fri'],
              from: '07:00',
              to: '19:00',
              timeZone: 'Europe/Berlin',
            },
          ],
        },
      ],
    },
    skew: SATURDAY_NOON - Date.now(),
  });
  for (const [name, idp] of [
    ['alice', 'corp'],
    ['bob', 'corp'],
    ['dana', 'corp'],
    ['vic', 'partners'],
  ] as const) {
    const { browser, landed } = await proxy.login(name, idp);
    assert.equal(landed.status, 200, `${name} signed in`);
    browsers.set(name, browser);
  }
});
after(() => proxy?.stop());

const as = (name: string) => {
  const browser = browsers.get(name);
  assert.ok(browser, name);
  return browser;
};
const api = (name: string, method: string, path: string, body?: unknown) =>
  call(as(name), proxy.url, method, path, body);
/** Moves the proxy's clock to `at` (real time goes on from there). */
const setClock = (at: number) => (proxy.clock.skew = at - Date.now());

/** What a request form offers, in one shape for both sides. */
interface Offer {
  requestable: boolean;
  maxDuration: string | null;
  reasonRequired: boolean;
  ticketRequired: boolean;
}

async function apiOffer(name: string, resource: string): Promise<Offer> {
  const reply = await api(name, 'GET', '/api/v1/resources');
  assert.equal(reply.status, 200, reply.body);
  type Policy = {
    requestable: boolean;
    maxDuration: string;
    requireReason: boolean;
    ticketPattern: string | null;
  };
  const found = (reply.json.resources as { id: string; policy: Policy }[]).find(
    (r) => r.id === resource,
  );
  assert.ok(found, resource);
  const { policy } = found;
  return {
    requestable: policy.requestable,
    maxDuration: policy.requestable ? policy.maxDuration : null,
    reasonRequired: policy.requireReason,
    ticketRequired: policy.ticketPattern !== null,
  };
}

async function portalOffer(name: string, resource: string): Promise<Offer> {
  const page = await as(name).navigate(`${proxy.url}/resources/${resource}`);
  assert.equal(page.status, 200);
  const form = new RegExp(`<form[^>]*data-form="request-${resource}"[\\s\\S]*?</form>`).exec(
    page.body,
  )?.[0];
  if (!form)
    return { requestable: false, maxDuration: null, reasonRequired: false, ticketRequired: false };
  return {
    requestable: true,
    maxDuration: /Duration \(up to ([^)]+)\)/.exec(form)?.[1] ?? null,
    reasonRequired: /<textarea[^>]*name="reason"[^>]*required/.test(form),
    ticketRequired: /<input[^>]*name="ticket"[^>]*required/.test(form),
  };
}

async function agree(name: string, resource: string): Promise<Offer> {
  const [fromApi, fromPortal] = await Promise.all([
    apiOffer(name, resource),
    portalOffer(name, resource),
  ]);
  assert.deepEqual(fromPortal, fromApi, `the portal offers ${name} what the API says`);
  return fromApi;
}

void describe('what may be requested now: the API and the portal agree', () => {
  void it('vic, outside his window (Saturday), is offered payroll by neither', async () => {
    setClock(SATURDAY_NOON);
    const offer = await agree('vic', 'payroll');
    assert.equal(offer.requestable, false);
    const page = await as('vic').navigate(`${proxy.url}/resources/payroll`);
    assert.match(page.body, /No policy lets you request payroll now/);
    assert.match(page.body, /vic is a vendor and the window is Mon–Fri 07:00–19:00 Europe\/Berlin/);
  });

  void it('vic, inside his window (Wednesday), is offered the same 4h by both', async () => {
    setClock(WEDNESDAY_MORNING);
    assert.deepEqual(await agree('vic', 'payroll'), {
      requestable: true,
      maxDuration: '4h',
      reasonRequired: true,
      ticketRequired: false,
    });
  });

  void it('alice: payroll for up to 8h with a reason; wiki with a ticket, no reason', async () => {
    assert.deepEqual(await agree('alice', 'payroll'), {
      requestable: true,
      maxDuration: '8h',
      reasonRequired: true,
      ticketRequired: false,
    });
    assert.deepEqual(await agree('alice', 'wiki'), {
      requestable: true,
      maxDuration: '2h',
      reasonRequired: false,
      ticketRequired: true,
    });
  });
});

const refused = (reply: ApiReply, status: number, code: string) => {
  assert.equal(reply.status, status, reply.body.slice(0, 300));
  assert.equal(reply.json.error?.code, code);
};
const flashOf = (page: Reply) =>
  /<div\s+id="flash"[^>]*>([\s\S]*?)<\/div>/.exec(page.body)?.[1]?.trim() ?? '';

void describe('deciding and ending: one rule for both', () => {
  let requestId = '';

  void it('a denial needs a comment, in the API as in the portal', async () => {
    const created = await api('alice', 'POST', '/api/v1/requests', {
      resource: 'payroll',
      duration: '30m',
      reason: 'month-end',
    });
    assert.equal(created.status, 201, created.body);
    requestId = (created.json.request as { id: string }).id;
    refused(
      await api('bob', 'POST', `/api/v1/requests/${requestId}/deny`, {}),
      400,
      'comment_required',
    );
    refused(
      await api('bob', 'POST', `/api/v1/requests/${requestId}/deny`, { comment: '   ' }),
      400,
      'comment_required',
    );
    const page = await submit(as('bob'), proxy.url, '/approvals', `/requests/${requestId}/deny`, {
      back: '/approvals',
    });
    assert.match(flashOf(page), /say why you deny/);
    const mine = await api('alice', 'GET', '/api/v1/requests');
    const [request] = mine.json.requests as { id: string; state: string }[];
    assert.equal(request?.state, 'pending', 'nothing was denied');
    const denied = await api('bob', 'POST', `/api/v1/requests/${requestId}/deny`, {
      comment: 'not this month',
    });
    assert.equal(denied.status, 200, denied.body);
  });

  void it('Approvals lists only the grants its viewer may revoke', async () => {
    setClock(WEDNESDAY_MORNING);
    const asked = await api('vic', 'POST', '/api/v1/requests', {
      resource: 'payroll',
      duration: '1h',
      reason: 'support ticket 42',
    });
    assert.equal(asked.status, 201, asked.body);
    const id = (asked.json.request as { id: string }).id;
    const approved = await api('dana', 'POST', `/api/v1/requests/${id}/approve`, {});
    assert.equal(approved.status, 200, approved.body);
    const grant = (approved.json.grant as { id: string }).id;
    // bob approves payroll, but under staff-payroll: vic's grant is vendor-payroll's.
    const bobsPage = await as('bob').navigate(`${proxy.url}/approvals`);
    assert.doesNotMatch(bobsPage.body, new RegExp(`data-grant="${grant}"`));
    refused(await api('bob', 'POST', `/api/v1/grants/${grant}/revoke`, {}), 403, 'not_an_approver');
    const danasPage = await as('dana').navigate(`${proxy.url}/approvals`);
    assert.match(danasPage.body, new RegExp(`data-grant="${grant}"`));
    const revoked = await api('dana', 'POST', `/api/v1/grants/${grant}/revoke`, {});
    assert.equal(revoked.status, 200, revoked.body);
  });
});
