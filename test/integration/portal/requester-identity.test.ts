// Approvers decide on who asks: a vendor IdP decides the username, email and name it sends, so
// those alone cannot say who someone is. A vendor whose IdP calls them "alice" with alice's
// email must not look like staff alice in the approvals queue, in the API the extension shows,
// or anywhere else an approver reads a request: where the identity comes from is shown beside it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { demoIdpFor } from '../../../proxy/demo/demo-config.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { submit } from '../../support/portal.js';
import { runCli } from '../../support/cli.js';
import { approvalViews } from '../../../extension/shared/views.js';
import type { RequestJson } from '../../../extension/shared/api-types.js';

let demo: TestDemo;
let bob: TestBrowser;
let vendorRequest = '';
let staffRequest = '';

before(async () => {
  // Office hours aside (the test runs at any hour), the vendor policy as the demo has it.
  demo = await startTestDemo({
    configure: (input) => ({
      ...input,
      policies: (input.policies ?? []).map((p) =>
        p.id === 'vendor-payroll' ? { ...p, windows: undefined } : p,
      ),
    }),
  });
  const vic = await demo.login('vic');
  const alice = await demo.login('alice');
  bob = await demo.login('bob');
  // What a hostile vendor IdP sends at vic's next login: staff alice's name and email.
  const [vicRecord] = await demo.jitgate.store.users.findByName('vic');
  const [aliceRecord] = await demo.jitgate.store.users.findByName('alice');
  assert.ok(vicRecord && aliceRecord);
  await demo.jitgate.store.users.upsert({
    ...vicRecord,
    username: aliceRecord.username,
    email: aliceRecord.email,
    name: aliceRecord.name,
  });
  for (const [browser, reason] of [
    [vic, 'vendor maintenance'],
    [alice, 'month-end close'],
  ] as const) {
    const page = await submit(browser, demo.url, '/', '/requests', {
      resource: 'payroll',
      duration: '30m',
      reason,
    });
    assert.match(page.body, /class="flash ok"/, page.body);
  }
  const pending = await demo.jitgate.store.requests.list({ states: ['pending'], limit: 10 });
  vendorRequest = pending.find((r) => r.userId === vicRecord.id)?.id ?? '';
  staffRequest = pending.find((r) => r.userId === aliceRecord.id)?.id ?? '';
  assert.ok(vendorRequest && staffRequest);
});
after(() => demo.stop());

/** The queue item of one request on the Approvals page. */
const itemOf = (body: string, id: string) =>
  /<section class="queue-item"[^>]*>[\s\S]*?<\/section>/g.exec(
    body.slice(body.indexOf(`data-request="${id}"`) - 40),
  )?.[0] ?? '';

void describe('who asks, as approvers see it', () => {
  void it('the Approvals page says which IdP each requester signed in with, and marks vendors', async () => {
    const queue = await bob.navigate(`${demo.url}/approvals`);
    const vendor = itemOf(queue.body, vendorRequest);
    const staff = itemOf(queue.body, staffRequest);
    assert.match(vendor, /data-kind="vendor"/, vendor);
    assert.match(vendor, new RegExp(`data-idp="${demoIdpFor('vic')}"`), vendor);
    assert.match(vendor, />vendor via [^<]*</, vendor);
    assert.match(staff, new RegExp(`data-idp="${demoIdpFor('alice')}"`), staff);
    assert.doesNotMatch(staff, /data-kind="vendor"/, staff);
  });

  void it('the API names the IdP and kind, and the extension shows them', async () => {
    const reply = await bob.request(`${demo.url}/api/v1/requests?scope=approvals`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    assert.equal(reply.status, 200, reply.body);
    const { requests } = JSON.parse(reply.body) as { requests: RequestJson[] };
    const vendor = requests.find((r) => r.id === vendorRequest);
    const staff = requests.find((r) => r.id === staffRequest);
    assert.ok(vendor && staff, reply.body);
    assert.equal(vendor.requester?.kind, 'vendor');
    assert.equal(vendor.requester?.idp, demoIdpFor('vic'));
    const [vendorView, staffView] = approvalViews([vendor, staff]);
    assert.notEqual(vendorView?.requester, staffView?.requester);
    assert.match(vendorView?.requester ?? '', /vendor via /);
  });

  void it('`jitgate requests --approvals` says it in the WHO column', async () => {
    const issued = await bob.request(`${demo.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: demo.url },
      body: '{}',
    });
    const token = String((JSON.parse(issued.body) as { token?: string }).token);
    const listed = await runCli(['requests', '--approvals', '--url', demo.url], {
      JITGATE_TOKEN: token,
    });
    assert.equal(listed.code, 0, listed.stderr);
    const line = (id: string) => listed.stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
    assert.match(line(vendorRequest), new RegExp(`alice \\(vendor via ${demoIdpFor('vic')}\\)`));
    assert.match(line(staffRequest), new RegExp(`alice \\(via ${demoIdpFor('alice')}\\)`));
  });

  void it("an auditor reading the audit log does not take the vendor's events for alice's", async () => {
    const carol = await demo.login('carol');
    const [vicRecord] = (await demo.jitgate.store.users.findByName('alice')).filter(
      (u) => u.kind === 'vendor',
    );
    assert.ok(vicRecord);
    const page = await carol.navigate(
      `${demo.url}/audit?person=${encodeURIComponent(vicRecord.id)}&code=request.created`,
    );
    assert.equal(page.status, 200);
    const link = new RegExp(`title="${vicRecord.id}">([^<]*)</a>`).exec(page.body)?.[1];
    assert.equal(link, `alice (vendor via ${demoIdpFor('vic')})`);
  });
});
