// The portal's pages against the real demo (proxy + IdP), as a browser without scripts sees
// them: every form POST needs the session's CSRF token; hostile text is escaped; Approvals is
// shown to and usable by approvers only, Audit to auditors; pages load only our own script.
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

void describe('portal forms need the CSRF token', () => {
  for (const [label, token] of [
    ['without', undefined],
    ['with a wrong', 'x'.repeat(43)],
    ['with an empty', ''],
  ] as const) {
    void it(`refuses a POST ${label} _csrf with the 403 page, changing nothing`, async () => {
      const fields: Record<string, string> = { resource: 'payroll', duration: '30m', reason: 'r' };
      if (token !== undefined) fields._csrf = token;
      const reply = await alice.request(`${demo.url}/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      assert.equal(reply.status, 403);
      assert.equal(reply.headers['x-jitgate-error'], 'csrf_refused');
      assert.match(reply.headers['content-type'] ?? '', /text\/html/);
      assert.match(reply.body, /csrf_refused/);
      assert.equal(await stateOf(alice, demo.url), 'none');
    });
  }

  void it("refuses another person's token", async () => {
    const bobsPage = await bob.navigate(`${demo.url}/`);
    const reply = await alice.postForm(`${demo.url}/requests`, {
      _csrf: csrfOf(bobsPage),
      resource: 'payroll',
      duration: '30m',
      reason: 'r',
    });
    assert.equal(reply.status, 403);
    assert.equal(await stateOf(alice, demo.url), 'none');
  });
});

void describe('rendering, and who sees what', () => {
  void it('offers durations up to the policy maximum (8h) and no longer', async () => {
    const page = await alice.navigate(`${demo.url}/resources/payroll`);
    assert.match(page.body, /<option value="8h"/);
    assert.doesNotMatch(page.body, /<option value="(?:16h|1d)"/);
    assert.match(page.body, /<textarea[^>]*name="reason"[^>]*required/);
  });

  let aliceRequest = '';

  void it('alice requests with a hostile reason; bob sees it escaped in Approvals', async () => {
    const page = await submit(alice, demo.url, '/', '/requests', {
      resource: 'payroll',
      duration: '30m',
      reason: HOSTILE,
    });
    assert.match(page.body, /class="flash ok"/);
    assert.equal(await stateOf(alice, demo.url), 'pending');

    const queue = await bob.navigate(`${demo.url}/approvals`);
    assert.equal(queue.status, 200);
    assert.doesNotMatch(queue.body, /<script>alert/);
    assert.match(queue.body, /&lt;script&gt;alert\(&quot;pwned&quot;\)&lt;\/script&gt;/);
    assert.match(queue.body, /alice@demo\.jitgate\.test/);
    assert.match(queue.body, /needs 1 approval from approvers \(policy staff-payroll\)/);
    assert.match(queue.body, /id="approvals-count">1</);
    [aliceRequest = ''] = requestIdsIn(queue);
    assert.match(aliceRequest, /^req_/);
  });

  void it('hides Approvals from alice, and refuses her the page and the actions', async () => {
    const home = await alice.navigate(`${demo.url}/`);
    assert.doesNotMatch(home.body, /href="\/approvals"/);
    assert.doesNotMatch(home.body, /href="\/audit"/);
    const page = await alice.navigate(`${demo.url}/approvals`);
    assert.equal(page.status, 403);
    assert.equal(page.headers['x-jitgate-error'], 'not_an_approver');
    const approve = await submit(alice, demo.url, '/', `/requests/${aliceRequest}/approve`);
    assert.match(approve.body, /class="flash error"/);
    assert.equal(await stateOf(alice, demo.url), 'pending');
  });

  void it('shows carol (auditor) the Audit link', async () => {
    const carol = await demo.login('carol');
    const home = await carol.navigate(`${demo.url}/`);
    assert.match(home.body, /<a href="\/audit">Audit<\/a>/);
    assert.doesNotMatch(home.body, /href="\/approvals"/);
  });
});

void describe('the resource page and the live script', () => {
  void it('serves portal pages with a CSP that allows only our own script', async () => {
    const home = await alice.navigate(`${demo.url}/`);
    const csp = String(home.headers['content-security-policy']);
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `));
    assert.equal(directive('script-src'), "script-src 'self'");
    assert.equal(directive('connect-src'), "connect-src 'self'");
    assert.doesNotMatch(home.body, /<script>|<script [^>]*>[^<]/);
    const src = /<script src="(\/assets\/portal\.js\?v=[A-Za-z0-9_-]+)"/.exec(home.body)?.[1];
    assert.ok(src, 'the page loads /assets/portal.js');

    const script = await alice.request(`${demo.url}${src}`);
    assert.equal(script.status, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    assert.match(String(script.headers['cache-control']), /immutable/);
    assert.match(script.body, /EventSource/);
    const plain = await alice.request(`${demo.url}/assets/portal.js`);
    assert.equal(plain.headers['cache-control'], 'no-cache');
    const again = await alice.request(`${demo.url}/assets/portal.js`, {
      headers: { 'if-none-match': String(plain.headers.etag) },
    });
    assert.equal(again.status, 304);
  });

  void it('keeps /resources/:id working for people signed out and in', async () => {
    const anonymous = await alice.request(`http://localhost:${demo.port}/resources/payroll`, {
      headers: { cookie: '' },
    });
    assert.equal(anonymous.status, 200);
    assert.match(anonymous.body, /Sign in/);
    const page = await alice.navigate(`${demo.url}/resources/payroll`);
    assert.match(page.body, /id="request-access"/);
    assert.match(page.body, /data-resource="payroll" data-state="pending"/);
    assert.match(page.body, /Your request is waiting for an approver/);
  });

  void it('My access has one request form, offering what she may ask for now', async () => {
    const home = await alice.navigate(`${demo.url}/?resource=orders-db`);
    assert.equal([...home.body.matchAll(/<form[^>]*action="\/requests"/g)].length, 1);
    const form = /<form[^>]*id="request-form"[\s\S]*?<\/form>/.exec(home.body)?.[0] ?? '';
    for (const field of ['resource', 'duration', 'startAt', 'reason'])
      assert.match(form, new RegExp(`name="${field}"`), field);
    assert.match(form, /<option value="orders-db" selected>/);
    assert.doesNotMatch(form, /<option value="payroll"/, 'her payroll request is pending');
    assert.match(home.body, /href="\/\?resource=orders-db#request-access"/);
  });

  void it('sends people who are not signed in from Approvals and History to the login', async () => {
    for (const path of ['/approvals', '/history']) {
      const reply = await alice.request(`${demo.url}${path}`, { headers: { cookie: '' } });
      assert.equal(reply.status, 302);
      assert.match(String(reply.headers.location), /^\/auth\/login\?rd=/);
    }
  });
});
