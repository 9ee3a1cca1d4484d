// The Audit page against the demo, as a browser without scripts sees it: auditors only, in the
// portal's frame; newest first with paging; events as readable fields (dates, not epoch
// milliseconds; links to the grant, the request, the person, the resource), not raw JSON;
// filters by person, resource, event code and time that keep their values; a filter that cannot
// be read is a 400 that says why; a request's link leads to the grant it became.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { subjectFromUser } from '../../../proxy/access/subject.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { HOSTILE } from '../../support/portal.js';

let demo: TestDemo;
let carol: TestBrowser;
let grantId = '';
let requestId = '';

const seqsOf = (body: string) => [...body.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1]));
const unescape = (href: string) => href.replaceAll('&amp;', '&');

before(async () => {
  demo = await startTestDemo();
  await demo.login('alice');
  carol = await demo.login('carol');
  await demo.login('bob');
  const userOf = async (name: string) =>
    (await demo.jitgate.store.users.findByName(name))[0] ?? assert.fail(`${name} unknown`);
  const fresh = { mfaFresh: true };
  const asked = await demo.jitgate.requests.create(
    subjectFromUser(await userOf('alice')),
    { resourceId: 'payroll', durationMs: 1_800_000, reason: HOSTILE, ticket: null, startAt: null },
    fresh,
  );
  requestId = asked.request.id;
  const approved = await demo.jitgate.requests.approve(
    subjectFromUser(await userOf('bob')),
    requestId,
    { comment: 'ok' },
    fresh,
  );
  grantId = approved.grant?.id ?? assert.fail('approval made no grant');
  // Enough events by someone who is no account (an admin's CLI) to need a second page.
  for (let i = 0; i < 60; i++)
    await demo.jitgate.audit.record({ code: 'token.issued', actor: 'admin-cli', target: 'x' });
});
after(() => demo.stop());

void describe('the Audit page', () => {
  void it('sends the signed-out to login and refuses non-auditors with a 403', async () => {
    const signedOut = await carol.request(`${demo.url}/audit`, { headers: { cookie: '' } });
    assert.equal(signedOut.status, 302);
    assert.match(String(signedOut.headers.location), /^\/auth\/login\?rd=%2Faudit/);
    const alice = await demo.login('alice');
    const refused = await alice.navigate(`${demo.url}/audit`);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /open to auditors only/);
  });

  void it('is a portal page: the navigation bar with Audit as the current page', async () => {
    const page = await carol.navigate(`${demo.url}/audit`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<nav class="portal"/);
    assert.match(page.body, /<a href="\/audit" aria-current="page">Audit<\/a>/);
    assert.match(page.body, /<a href="\/trail">Trails<\/a>/);
  });

  void it('shows the newest 50 first, with a link to older events', async () => {
    const page = await carol.navigate(`${demo.url}/audit`);
    const seqs = seqsOf(page.body);
    assert.equal(seqs.length, 50);
    assert.ok(seqs[0]! > seqs[49]!, 'newest first');
    const older = /id="older" href="([^"]+)"/.exec(page.body)?.[1] ?? assert.fail('older link');
    const next = await carol.navigate(`${demo.url}${unescape(older)}`);
    const rest = seqsOf(next.body);
    assert.ok(rest.length > 0 && Math.max(...rest) < seqs[49]!);
  });

  void it('shows an event as readable fields with links, never raw JSON or epoch ms', async () => {
    const page = await carol.navigate(`${demo.url}/audit?code=grant.started`);
    const row = /<tr data-seq="\d+" data-code="grant\.started">([\s\S]*?)<\/tr>/.exec(page.body);
    const cells = row?.[1] ?? assert.fail('a grant.started row');
    assert.match(cells, new RegExp(`<a href="/grants/${grantId}/trail">${grantId}</a>`));
    assert.match(cells, new RegExp(`<a href="/audit/requests/${requestId}">${requestId}</a>`));
    assert.match(cells, /<a href="\/audit\?person=demo%3Aalice"[^>]*>alice<\/a>/);
    assert.match(cells, /<a href="\/audit\?person=demo%3Abob"[^>]*>bob<\/a>/);
    assert.match(cells, /<a href="\/audit\?resource=payroll"[^>]*>\s*Payroll\s*<\/a/);
    assert.match(
      cells,
      /<dt>Starts<\/dt>\s*<dd data-key="startsAt"><time datetime="[^"]+">20\d\d-/,
    );
    assert.doesNotMatch(cells, /\b1\d{12}\b/, 'no epoch milliseconds');
    assert.doesNotMatch(cells, /\{&quot;|\{"/, 'no raw JSON');
    // The hostile reason is shown, escaped.
    assert.match(cells, /&lt;script&gt;alert\(&quot;pwned&quot;\)&lt;\/script&gt;/);
    assert.doesNotMatch(page.body, /<script>alert/);
  });

  void it('filters by person, resource, event and time, keeping the values', async () => {
    const page = await carol.navigate(
      `${demo.url}/audit?person=bob&resource=payroll&code=request.approved&from=2000-01-01&verify=1`,
    );
    assert.equal(page.status, 200);
    const codes = [...page.body.matchAll(/data-code="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(codes, ['request.approved']);
    assert.match(page.body, /name="person" value="bob"/);
    assert.match(page.body, /<option value="payroll" selected>/);
    assert.match(page.body, /<option value="request.approved" selected>/);
    assert.match(page.body, /name="from" value="2000-01-01"/);
    assert.match(page.body, /Chain intact: \d+ events, head <code>[0-9a-f]{64}<\/code>/);
    const none = await carol.navigate(`${demo.url}/audit?to=2000-01-01`);
    assert.deepEqual(seqsOf(none.body), []);
    assert.match(none.body, /No events\./);
  });

  void it("finds a person's events by them and about them (a request approved for alice)", async () => {
    const page = await carol.navigate(`${demo.url}/audit?person=alice&resource=payroll`);
    assert.equal(page.status, 200);
    const rows = [
      ...page.body.matchAll(/<tr data-seq="\d+" data-code="([^"]+)">([\s\S]*?)<\/tr>/g),
    ];
    const codes = rows.map((m) => m[1]).sort();
    // bob approved, policy started the grant: alice did neither, but both are about her.
    assert.deepEqual(codes, [
      'grant.started',
      'request.approval_recorded',
      'request.approved',
      'request.created',
    ]);
    for (const [, code, cells] of rows)
      if (code !== 'request.created')
        assert.match(
          cells ?? '',
          /<dd data-key="user"><a href="\/audit\?person=demo%3Aalice"/,
          code,
        );
    // bob's own filter still finds what he did.
    const bobs = await carol.navigate(`${demo.url}/audit?person=bob&code=request.created`);
    assert.deepEqual(seqsOf(bobs.body), []);
  });

  void it('answers a filter it cannot read with 400 and the reason', async () => {
    for (const [query, reason] of [
      ['from=soon', /from must be a date/],
      ['code=nope', /code &quot;nope&quot; is not an audit event code/],
      ['resource=nope', /resource &quot;nope&quot; is not a configured resource/],
      ['from=2025-02-01&to=2025-01-01', /from must be before to/],
      ['person=a&person=b', /person must be given once/],
      ['beforeSeq=-1', /beforeSeq must be a seq number/],
    ] as const) {
      const page = await carol.navigate(`${demo.url}/audit?${query}`);
      assert.equal(page.status, 400, query);
      assert.match(page.body, reason, query);
      assert.match(page.body, /invalid_query/, query);
      assert.match(page.body, /id="audit-filter"/, 'the form stays to fix the filter');
    }
  });

  void it("leads a request's link to the grant it became; an unknown one is a 404", async () => {
    const link = await carol.request(`${demo.url}/audit/requests/${requestId}`);
    assert.equal(link.status, 302);
    assert.equal(link.headers.location, `/grants/${grantId}/trail`);
    const unknown = await carol.request(`${demo.url}/audit/requests/req_doesnotexist`);
    assert.equal(unknown.status, 404);
    const alice = await demo.login('alice');
    const refused = await alice.request(`${demo.url}/audit/requests/${requestId}`);
    assert.equal(refused.status, 403);
  });
});
