// The request workflow through the portal's forms alone (no scripts): policy refusals become
// the flash; bob may not approve his own request and is told why; a denial shows its comment to
// the requester; an approver's shorter duration holds and the holder can release early; History
// keeps it all, and approvers also see the decisions on requests they approve.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { csrfOf, HOSTILE, requestIdsIn, stateOf, submit } from '../../support/portal.js';

let demo: TestDemo;
let alice: TestBrowser;
let bob: TestBrowser;

before(async () => {
  demo = await startTestDemo();
  alice = await demo.login('alice');
  bob = await demo.login('bob');
});
after(() => demo.stop());

void describe('the workflow without scripts', () => {
  void it('shows policy refusals as the flash (a reason is required)', async () => {
    const page = await submit(alice, demo.url, '/', '/requests', {
      resource: 'payroll',
      duration: '30m',
    });
    assert.equal(page.status, 200);
    assert.match(page.body, /class="flash error"/);
    assert.match(page.body, /policy staff-payroll requires a reason/);
    assert.equal(await stateOf(alice, demo.url), 'none');
    // The flash is one-shot.
    assert.doesNotMatch((await alice.navigate(`${demo.url}/`)).body, /requires a reason/);
  });

  void it('refuses bob approving his own request, in the domain’s words', async () => {
    await submit(bob, demo.url, '/', '/requests', {
      resource: 'payroll',
      duration: '1h',
      reason: 'mine',
    });
    const queue = await bob.navigate(`${demo.url}/approvals`);
    const own = /data-own-request="(req_[A-Za-z0-9_-]+)"/.exec(queue.body)?.[1];
    assert.ok(own, 'his own request is listed apart');
    assert.match(queue.body, /a person cannot approve their own request/);
    const forced = await submit(bob, demo.url, '/', `/requests/${own}/approve`);
    assert.match(forced.body, /class="flash error"[^>]*>\s*Refused: a person cannot approve/);
    assert.equal(await stateOf(bob, demo.url), 'pending');
    await submit(bob, demo.url, '/', `/requests/${own}/cancel`);
    assert.equal(await stateOf(bob, demo.url), 'none');
  });

  void it('bob denies with a comment; alice sees it, escaped', async () => {
    await submit(alice, demo.url, '/', '/requests', {
      resource: 'payroll',
      duration: '30m',
      reason: 'x',
    });
    const [aliceRequest] = requestIdsIn(await bob.navigate(`${demo.url}/approvals`));
    const page = await submit(bob, demo.url, '/approvals', `/requests/${aliceRequest}/deny`, {
      comment: `no <b>${HOSTILE}</b>`,
    });
    assert.match(page.body, /Denied alice&#39;s request for Payroll/);
    const home = await alice.navigate(`${demo.url}/`);
    assert.match(home.body, /data-state="denied"/);
    assert.match(home.body, /no &lt;b&gt;&lt;script&gt;/);
    assert.doesNotMatch(home.body, /<b><script>/);
  });

  void it('a second request, approved shorter, is active; alice releases it', async () => {
    await submit(alice, demo.url, '/', '/requests', {
      resource: 'payroll',
      duration: '2h',
      reason: 'run',
    });
    const queue = await bob.navigate(`${demo.url}/approvals`);
    const [id] = requestIdsIn(queue);
    assert.match(queue.body, /<option value="1h"/);
    const approved = await submit(bob, demo.url, '/approvals', `/requests/${id}/approve`, {
      duration: '1h',
      comment: 'one hour is enough',
    });
    assert.match(approved.body, /Approved: alice has Payroll/);
    assert.match(approved.body, /data-grant="grt_/);

    const home = await alice.navigate(`${demo.url}/`);
    assert.match(home.body, /data-state="active"/);
    const endsAt = /data-ends-at="([^"]+)"/.exec(home.body)?.[1] ?? '';
    const left = Date.parse(endsAt) - Date.now();
    assert.ok(left > 59 * 60_000 && left <= 60 * 60_000, `shortened to 1h (${left} ms left)`);

    const grant = /action="\/grants\/(grt_[A-Za-z0-9_-]+)\/release"/.exec(home.body)?.[1];
    const released = await submit(alice, demo.url, '/', `/grants/${grant}/release`);
    assert.match(released.body, /You released your access to Payroll/);
    assert.match(released.body, /data-state="ended"/);
  });

  void it('History lists her requests and grants; bob also sees his decisions', async () => {
    const mine = await alice.navigate(`${demo.url}/history`);
    assert.equal(mine.status, 200);
    assert.match(mine.body, /data-state="denied"/);
    assert.match(mine.body, /data-state="approved"/);
    assert.match(mine.body, /one hour is enough/);
    // She released it herself: History says so, not "revoked" (the API's one word for both).
    assert.match(
      mine.body,
      /data-grant="grt_[^"]+" data-state="released">[\s\S]*?<td class="state">released<\/td>/,
    );
    assert.doesNotMatch(mine.body, /<td class="state">revoked<\/td>/);
    assert.doesNotMatch(mine.body, /data-state="revoked"/);
    assert.doesNotMatch(mine.body, /Recent decisions/);
    const his = await bob.navigate(`${demo.url}/history`);
    assert.match(his.body, /Recent decisions on requests you approve/);
    assert.match(his.body, /<td>alice<\/td>/);
  });
});

void describe('the flash and the live script', () => {
  // A busy machine produced this order: the form's answer (303, flash stored), then the old
  // page's live re-fetch (an access event or its event stream opening asked for one), then the
  // browser's navigation to the page the answer named. The flash belongs to that page.
  void it('a re-fetch before the redirected page loads leaves the flash to that page', async () => {
    const home = await alice.navigate(`${demo.url}/`);
    const answer = await alice.request(`${demo.url}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrfOf(home),
        resource: 'payroll',
        duration: '30m',
      }).toString(),
    });
    assert.equal(answer.status, 303);
    const landing = new URL(String(answer.headers.location), answer.url).href;

    // What portal.js's fetch() sends (fetch metadata of a script, not a navigation).
    const refetched = await alice.request(landing, {
      headers: { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
    });
    assert.equal(refetched.status, 200);
    assert.doesNotMatch(refetched.body, /requires a reason/);

    const landed = await alice.navigate(landing);
    assert.match(
      landed.body,
      /class="flash error"[^>]*>\s*Refused: [^<]*policy staff-payroll requires a reason/,
    );
    // Still one-shot for the pages a person opens.
    assert.doesNotMatch((await alice.navigate(landing)).body, /requires a reason/);
  });
});
