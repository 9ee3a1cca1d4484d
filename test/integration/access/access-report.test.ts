// Access reviews for auditors, with real sessions: alice breaks the glass on payroll (after a
// step-up) and bob reviews it; carl asks for payroll with a reason a spreadsheet would run as a
// formula and bob approves. Audrey (an auditor) reads the review of payroll as JSON, CSV, the
// portal page and `jitgate report access`: both grants, who allowed each, break-glass with its
// incident and verdict, links to what was done; per person too; the CSV defuses the formula;
// each reading is audited. Others are refused, and bad questions answered with the reason.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { TestBrowser } from '../../support/http-client.js';
import { runCli } from '../../support/cli.js';
import { enrollOn } from '../../support/mfa.js';
import { startMfaProxy, type MfaProxy } from '../../support/mfa-proxy.js';
import { call } from './api-client.js';

let proxy: MfaProxy;
let alice: TestBrowser;
let bob: TestBrowser;
let carl: TestBrowser;
let audrey: TestBrowser;
let glassId = '';
let carlsId = '';
const FORMULA = "=HYPERLINK('http://evil.example','month end')";

interface Row {
  grant: string;
  user: string;
  resource: string;
  state: string;
  reason: string | null;
  policy: string | null;
  request: string | null;
  allowedBy: string[];
  breakGlass: { incident: string; review: { verdict: string; reviewer: string } | null } | null;
  trail: { requests: number; link: string };
}

const report = async (who: TestBrowser, query: string) =>
  call(who, proxy.url, 'GET', `/api/v1/reports/access?${query}`);

before(async () => {
  proxy = await startMfaProxy();
  alice = (await proxy.login('alice')).browser;
  bob = (await proxy.login('bob')).browser;
  carl = (await proxy.login('carl')).browser;
  audrey = (await proxy.login('audrey')).browser;

  const enroll = await alice.navigate(`${proxy.url}/mfa/verify?rd=%2F`);
  assert.equal((await enrollOn(alice, enroll, proxy.authenticator('alice'))).status, 200);
  const glass = await call(alice, proxy.url, 'POST', '/api/v1/break-glass', {
    resource: 'payroll',
    duration: '15m',
    incident: 'INC-77',
    reason: 'payroll run is failing',
  });
  assert.equal(glass.status, 201, glass.body);
  glassId = (glass.json.grant as { id: string }).id;
  const reviewed = await call(bob, proxy.url, 'POST', `/api/v1/break-glass/${glassId}/review`, {
    verdict: 'justified',
    comment: 'the run had to finish',
  });
  assert.equal(reviewed.status, 200, reviewed.body);

  const asked = await call(carl, proxy.url, 'POST', '/api/v1/requests', {
    resource: 'payroll',
    duration: '30m',
    reason: FORMULA,
  });
  assert.equal(asked.status, 201, asked.body);
  const requestId = (asked.json.request as { id: string }).id;
  const bobsFactor = await bob.navigate(`${proxy.url}/mfa/verify?rd=%2F`);
  assert.equal((await enrollOn(bob, bobsFactor, proxy.authenticator('bob'))).status, 200);
  const approved = await call(bob, proxy.url, 'POST', `/api/v1/requests/${requestId}/approve`, {});
  assert.equal(approved.status, 200, approved.body);
  carlsId = (approved.json.grant as { id: string }).id;
});
after(() => proxy.stop());

void describe('an access review', () => {
  void it('of payroll shows every grant: who allowed it, break-glass and its review, links', async () => {
    const reply = await report(audrey, 'resource=payroll');
    assert.equal(reply.status, 200, reply.body);
    const rows = reply.json.grants as Row[];
    assert.deepEqual(
      rows.map((r) => r.grant),
      [glassId, carlsId],
    );
    const [glass, carls] = rows as [Row, Row];
    assert.deepEqual(
      [glass.user, glass.state, glass.policy, glass.allowedBy, glass.request],
      ['corp:alice', 'active', 'staff', ['corp:alice'], null],
    );
    assert.deepEqual(glass.breakGlass, {
      ...glass.breakGlass,
      incident: 'INC-77',
      review: { ...glass.breakGlass?.review, verdict: 'justified', reviewer: 'corp:bob' },
    });
    assert.deepEqual(
      [carls.user, carls.reason, carls.policy, carls.allowedBy, carls.breakGlass],
      ['corp:carl', FORMULA, 'staff', ['corp:bob'], null],
    );
    assert.ok(carls.request?.startsWith('req_'));
    assert.equal(carls.trail.link, `/grants/${carlsId}/trail`);
    const audited = await proxy.jitgate.audit.list({ code: 'access_report.read', limit: 5 });
    assert.equal(audited[0]?.actor, 'corp:audrey');
    assert.equal(audited[0]?.target, 'payroll');
  });

  void it('of one person shows only theirs; a period without grants shows none', async () => {
    const carls = await report(audrey, 'user=carl');
    assert.deepEqual(
      (carls.json.grants as Row[]).map((r) => r.grant),
      [carlsId],
    );
    const old = await report(audrey, 'resource=payroll&from=2001-01-01&to=2001-01-31');
    assert.equal(old.status, 200, old.body);
    assert.deepEqual(old.json.grants, []);
  });

  void it('exports CSV, one line per grant, with formulas defused', async () => {
    const reply = await report(audrey, 'resource=payroll&format=csv');
    assert.equal(reply.status, 200, reply.body);
    assert.match(String(reply.headers['content-type']), /^text\/csv/);
    const lines = reply.body.trimEnd().split('\r\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /^"grant","user","username","resource",/);
    assert.match(lines[1] ?? '', new RegExp(`^"${glassId}","corp:alice","alice","payroll",`));
    assert.match(lines[1] ?? '', /"true","INC-77","justified","corp:bob","the run had to finish"/);
    assert.ok(lines[2]?.includes(`"'=HYPERLINK('http://evil.example','month end')"`), lines[2]);
  });

  void it('is for auditors only, and says what is wrong with a question', async () => {
    const refused = async (who: TestBrowser, query: string, status: number, code: string) => {
      const reply = await report(who, query);
      assert.equal(reply.status, status, reply.body);
      assert.equal(reply.json.error?.code, code);
    };
    await refused(bob, 'resource=payroll', 403, 'auditor_required');
    await refused(audrey, 'user=nobody', 404, 'unknown_user');
    await refused(audrey, 'resource=vault', 404, 'unknown_resource');
    await refused(audrey, 'from=2026-02-01&to=2026-01-01', 400, 'invalid_query');
    await refused(audrey, 'from=yesterday', 400, 'invalid_query');
    await refused(audrey, 'format=xml', 400, 'invalid_query');
    const page = await bob.navigate(`${proxy.url}/reports/access`);
    assert.equal(page.status, 403);
  });

  void it('is a portal page with the same grants and links to CSV and JSON', async () => {
    const page = await audrey.navigate(`${proxy.url}/reports/access?resource=payroll`);
    assert.equal(page.status, 200, page.body);
    assert.ok(page.body.includes(`data-grant="${glassId}"`));
    assert.ok(page.body.includes(`data-grant="${carlsId}"`));
    assert.match(page.body, /BREAK-GLASS<\/span>\s*INC-77;\s*reviewed justified by/);
    assert.ok(page.body.includes(`href="/grants/${glassId}/trail"`));
    assert.ok(page.body.includes('href="/api/v1/reports/access?resource=payroll&amp;format=csv"'));
    // payroll is a web app: no standing roles to scan (test/integration/credentials/standing-privilege.test.ts).
    assert.match(page.body, /Standing privilege on the targets[\s\S]*None found by the last scan/);
  });

  void it('comes from `jitgate report access` as a table, JSON or the same CSV', async () => {
    const issued = await call(audrey, proxy.url, 'POST', '/api/v1/tokens', { label: 'cli' });
    const env = { JITGATE_TOKEN: String(issued.json.token) };
    const cli = (args: string[]) => runCli(['report', 'access', ...args, '--url', proxy.url], env);
    const table = await cli(['--resource', 'payroll']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`${glassId}\\s+alice\\s+payroll\\s.+BREAK-GLASS INC-77`));
    assert.match(table.stdout, new RegExp(`${carlsId}\\s+carl\\s+payroll\\s.+staff\\s+corp:bob`));
    const json = await cli(['--user', 'alice', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(
      (JSON.parse(json.stdout) as { grants: Row[] }).grants.map((r) => r.grant),
      [glassId],
    );
    const csv = await cli(['--resource', 'payroll', '--csv']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, (await report(audrey, 'resource=payroll&format=csv')).body);
    const denied = await runCli(['report', 'access', '--url', proxy.url], {
      JITGATE_TOKEN: String(
        (await call(bob, proxy.url, 'POST', '/api/v1/tokens', { label: 'cli' })).json.token,
      ),
    });
    assert.equal(denied.code, 2, denied.stderr);
    assert.match(denied.stderr, /auditors only \(auditor_required\)/);
  });
});
