// Who reads the trail, and what retention does to it. Auditors (carol) read a grant's timeline
// with the request, reason and approvals behind it, search all trails, and export HAR and JSON
// lines (audited), in the portal and over the API with a session or a bearer token. Anyone else
// (alice, vic) gets 403 auditor_required everywhere. Retention deletes only rows past their
// resource's age (back-dated rows) and records what it deleted in the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { subjectFromUser } from '../../../proxy/access/subject.js';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';
import { trailRow } from '../../support/trail-contract.js';
import { bearerCall, call } from '../access/api-client.js';

const DAY = 86_400_000;

void describe('auditors and the trail', () => {
  let demo: TestDemo;
  const browsers: Record<string, TestBrowser> = {};
  let grant: GrantRecord;

  const userId = async (name: string) =>
    (await demo.jitgate.store.users.findByName(name))[0] ?? assert.fail(`${name} unknown`);
  const tokenOf = async (name: string) => {
    const reply = await call(browsers[name] as TestBrowser, demo.url, 'POST', '/api/v1/tokens', {});
    assert.equal(reply.status, 201, reply.body);
    return String(reply.json.token);
  };

  before(async () => {
    demo = await startTestDemo();
    for (const name of ['alice', 'bob', 'carol', 'vic']) browsers[name] = await demo.login(name);
    // A real request with a reason, approved by bob with a comment.
    const fresh = { mfaFresh: true };
    const input = {
      resourceId: 'payroll',
      durationMs: 1_800_000,
      reason: 'payslip fix',
      ticket: null,
      startAt: null,
    };
    const asked = await demo.jitgate.requests.create(
      subjectFromUser(await userId('alice')),
      input,
      fresh,
    );
    const approved = await demo.jitgate.requests.approve(
      subjectFromUser(await userId('bob')),
      asked.request.id,
      { comment: 'ok for today' },
      fresh,
    );
    grant = approved.grant ?? assert.fail('approval made no grant');
    const alice = browsers.alice as TestBrowser;
    await alice.navigate(`${demo.payrollOrigin}/headers?first=1`);
    await alice.navigate(`${demo.payrollOrigin}/nothing-here`);
    await demo.jitgate.trail.flush();
  });
  after(() => demo?.stop());

  const GRANT_PATHS = () => [
    `/grants/${grant.id}/trail`,
    `/grants/${grant.id}/trail.har`,
    `/grants/${grant.id}/trail.jsonl`,
  ];

  it('non-auditors get 403 auditor_required in the portal and the API', async () => {
    for (const name of ['alice', 'vic']) {
      const browser = browsers[name] as TestBrowser;
      for (const path of ['/trail', ...GRANT_PATHS()]) {
        const page = await browser.request(`${demo.url}${path}`);
        assert.equal(page.status, 403, `${name} ${path}`);
        assert.equal(page.headers['x-jitgate-error'], 'auditor_required');
        const api = await call(browser, demo.url, 'GET', `/api/v1${path}`);
        assert.equal(api.json.error?.code, 'auditor_required', `${name} api ${path}`);
      }
      const token = await tokenOf(name);
      const viaBearer = await bearerCall(token, demo.url, 'GET', '/api/v1/trail');
      assert.equal(viaBearer.status, 403);
      assert.equal(viaBearer.json.error?.code, 'auditor_required');
    }
    const anonymous = await rawRequest(`${demo.url}/api/v1/trail`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(anonymous.status, 401);
  });

  it("carol's portal timeline shows the request, reason, approvals and requests in order", async () => {
    const page = await (browsers.carol as TestBrowser).request(
      `${demo.url}/grants/${grant.id}/trail`,
    );
    assert.equal(page.status, 200);
    assert.match(page.body, /payslip fix/);
    assert.match(page.body, /id="approvals"[\s\S]*bob[\s\S]*approved[\s\S]*ok for today/);
    const first = page.body.indexOf('/headers?first=1');
    const second = page.body.indexOf('/nothing-here');
    assert.ok(first > 0 && second > first, 'rows in the order they happened');
    assert.doesNotMatch(page.body, /Terminal recordings/, 'no recordings, no section');
    const filtered = await (browsers.carol as TestBrowser).request(
      `${demo.url}/grants/${grant.id}/trail?status=4xx`,
    );
    assert.ok(filtered.body.includes('/nothing-here') && !filtered.body.includes('first=1'));
    const search = await (browsers.carol as TestBrowser).request(
      `${demo.url}/trail?person=alice&path=nothing`,
    );
    assert.match(search.body, new RegExp(`href="/grants/${grant.id}/trail"`));
    assert.doesNotMatch(search.body, /first=1/);
  });

  it('answers a portal filter it cannot read with 400 and the reason, the form kept', async () => {
    for (const path of [`/grants/${grant.id}/trail?status=abc`, '/trail?status=abc']) {
      const page = await (browsers.carol as TestBrowser).request(`${demo.url}${path}`);
      assert.equal(page.status, 400, path);
      assert.match(page.body, /status must be a status such as 404/, path);
      assert.match(page.body, /name="status"[^>]*value="abc"/, path);
    }
  });

  it('the API answers auditors with a session or a bearer token, exports audited', async () => {
    const token = await tokenOf('carol');
    const timeline = await bearerCall(token, demo.url, 'GET', `/api/v1/grants/${grant.id}/trail`);
    assert.equal(timeline.status, 200);
    const json = timeline.json as {
      records: { path: string; status: number }[];
      request: { reason: string };
    };
    assert.equal(json.request.reason, 'payslip fix');
    assert.deepEqual(
      json.records.map((r) => [r.path, r.status]),
      [
        ['/headers', 200],
        ['/nothing-here', 404],
      ],
    );
    const search = await call(
      browsers.carol as TestBrowser,
      demo.url,
      'GET',
      '/api/v1/trail?status=404&person=alice',
    );
    assert.deepEqual(
      (search.json.records as { path: string }[]).map((r) => r.path),
      ['/nothing-here'],
    );
    const bad = await bearerCall(token, demo.url, 'GET', '/api/v1/trail?status=teapot');
    assert.equal(bad.json.error?.code, 'invalid_query');

    const har = await bearerCall(token, demo.url, 'GET', `/api/v1/grants/${grant.id}/trail.har`);
    assert.match(
      String(har.headers['content-disposition']),
      /attachment; filename="jitgate-trail-grt_/,
    );
    const entries = (har.json.log as { entries: { request: { url: string } }[] }).entries;
    assert.equal(entries[0]?.request.url, `${demo.payrollOrigin}/headers?first=1`);
    const jsonl = await bearerCall(
      token,
      demo.url,
      'GET',
      `/api/v1/grants/${grant.id}/trail.jsonl`,
    );
    assert.equal(jsonl.body.trimEnd().split('\n').length, 2);
    const events = await demo.jitgate.audit.list({ code: 'trail.exported', limit: 10 });
    assert.deepEqual(
      events.map((e) => [e.target, e.data.format, e.data.via]),
      [
        [grant.id, 'har', 'api'],
        [grant.id, 'jsonl', 'api'],
      ],
    );
  });

  it('retention deletes only rows past their age, and audits what it deleted', async () => {
    const now = Date.now();
    const old = { grantId: grant.id, userId: grant.userId, path: '/old' };
    await demo.jitgate.store.trail.insertMany([
      trailRow({ ...old, time: now - 91 * DAY }),
      trailRow({ ...old, time: now - 95 * DAY }),
      trailRow({ ...old, time: now - 89 * DAY, path: '/kept' }),
    ]);
    const before = await demo.jitgate.store.trail.count({ grantId: grant.id });
    const result = await demo.jitgate.trail.retention();
    assert.deepEqual(result.deleted, { payroll: 2 });
    assert.equal(await demo.jitgate.store.trail.count({ grantId: grant.id }), before - 2);
    assert.equal(await demo.jitgate.store.trail.count({ pathContains: '/old' }), 0);
    assert.equal(await demo.jitgate.store.trail.count({ pathContains: '/kept' }), 1);
    const [event] = await demo.jitgate.audit.list({
      code: 'trail.retention',
      order: 'desc',
      limit: 1,
    });
    assert.deepEqual(event?.data.deleted, { payroll: 2 });
    assert.equal(event?.actor, 'system');
  });
});
