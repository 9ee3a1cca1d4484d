// A terminal session end to end on the wire, against the demo's real sshd: opened with a bearer
// token (the CLI's way) or the portal cookie (the browser's way, same Origin only), recorded as
// asciicast v2 that the asciinema CLI reads and that verifies; a flipped byte fails verification;
// revoke ends the open session within a second, and one that came while the session was being
// set up ends it once it is up, and so does a sign-out; auditors watch live and terminate; a
// live view ends with the auditor's sign-in; a portal logout ends the sessions opened with that
// sign-in (not the CLI token's).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { verifyRecording } from '../../../recorder/asciicast/index.js';
import { asciinemaCat } from '../../support/asciinema.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { endedRow, Refused, TerminalClient, terminalUrl } from '../../support/terminal.js';
import { csrfOf } from '../../support/portal.js';
import { call, portalCookie } from '../access/api-client.js';

/** What every credential.minted event of an SSH certificate says, relay or direct. */
const CERT_AUDIT_FIELDS = [
  'kind',
  'grant',
  'login',
  'serial',
  'keyId',
  'principals',
  'validBefore',
  'key',
  'ca',
];

let demo: TestDemo;
let alice: TestBrowser;
let carol: TestBrowser;
let token = '';

before(async () => {
  demo = await startTestDemo();
  assert.ok(demo.sshTarget, 'the demo runs its sshd (openssh-server; see .ci/run)');
  alice = await demo.login('alice');
  carol = await demo.login('carol');
  const issued = await call(alice, demo.url, 'POST', '/api/v1/tokens', { label: 'cli' });
  token = String(issued.json.token);
});
after(() => demo.stop());

const grantAlice = () =>
  demo.jitgate.grants.grant({
    user: 'alice',
    resource: 'prod-shell',
    durationMs: 30 * 60_000,
    actor: 'test',
  });

const open = (
  headers: Record<string, string>,
  query: Record<string, string> = { login: 'deploy' },
) => TerminalClient.connect(terminalUrl(demo.url, 'prod-shell', query), headers);

const asAlice = () => open({ authorization: `Bearer ${token}` });

/** The portal's sign-out, as a person's browser sends it (the form with its CSRF token). */
async function logOut(browser: TestBrowser): Promise<void> {
  const page = await browser.request(`${demo.url}/auth/logout`);
  const out = await browser.request(`${demo.url}/auth/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfOf(page) }).toString(),
  });
  assert.equal(out.status, 303);
}

async function refusal(attempt: Promise<unknown>): Promise<Refused> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof Refused) return error;
    throw error;
  }
  assert.fail('the upgrade was accepted');
}

void describe('web terminal', () => {
  it('refuses without a grant, with a foreign Origin, and for a login the resource does not allow', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    assert.equal((await refusal(open(bearer))).code, 'no_grant');
    await grantAlice();
    assert.equal((await refusal(open(bearer, { login: 'root' }))).status, 403);
    const cookie = portalCookie(alice);
    const foreign = await refusal(open({ cookie, origin: 'http://evil.localhost:9' }));
    assert.deepEqual([foreign.status, foreign.code], [403, 'foreign_origin']);
    assert.equal(
      (await refusal(open({ cookie }))).code,
      'foreign_origin',
      'a cookie needs the portal Origin',
    );
    assert.equal((await refusal(open({}))).status, 401);
    const ca = await fetch(`${demo.url}/ssh/ca.pub`).then((r) => r.text());
    assert.match(ca, /^ssh-ed25519 AAAA\S+ jitgate-user-ca-g1\n$/);
  });

  it('records a session as asciicast v2 that asciinema reads and that verifies', async () => {
    const client = await open({ cookie: portalCookie(alice), origin: demo.url });
    const ready = await client
      .until(() => client.messages.some((m) => m.type === 'ready'), 'ready')
      .then(() => client.messages.find((m) => m.type === 'ready'));
    const id = String(ready?.session);
    client.resize(100, 30);
    client.send('echo jitgate-$((6*7))\r');
    await client.waitFor('jitgate-42');
    client.send('exit\r');
    assert.equal((await client.ended()).reason, 'exit');
    await client.closed;
    const row = await endedRow(() => demo.jitgate.store.terminalSessions.get(id));
    assert.equal(row.recordingState, 'complete');
    assert.equal(row.via, 'web');
    const path = demo.jitgate.terminals.storage.pathOf(id);
    const cat = await asciinemaCat(path);
    assert.equal(cat.code, 0, cat.output);
    assert.match(cat.output, /jitgate-42/);
    const header = JSON.parse(readFileSync(path, 'utf8').split('\n')[0] ?? '{}') as Record<
      string,
      unknown
    >;
    assert.equal(header.version, 2);
    assert.deepEqual(header.jitgate, {
      session: id,
      user: row.userId,
      resource: 'prod-shell',
      login: 'deploy',
      grant: row.grantId,
    });
    assert.match(readFileSync(path, 'utf8'), /\["r","100x30"\]|"r","100x30"/);
    const verified = await demo.jitgate.terminals.storage.verify(id, row.checksum);
    assert.equal(verified.ok, true);
    assert.equal(row.checksum, verified.ok ? verified.sha256 : '');
    // On SQLite (one process) the recordings folder is the archive: sealing copies nothing into
    // the database, whose synchronous write of the whole recording held every request back.
    assert.equal(await demo.jitgate.store.recordings.get(id), undefined);
    const [ended] = await demo.jitgate.audit.list({ code: 'session.ended', limit: 10 });
    assert.equal(ended?.data.sha256, row.checksum);
    // The relay's certificate is audited like a direct one (jitgate ssh-cert): the same kind and
    // fields, and the same key id, <user id>/<grant id>.
    const minted = (await demo.jitgate.audit.list({ code: 'credential.minted', limit: 50 })).find(
      (event) => event.data.session === id,
    );
    assert.equal(minted?.data.kind, 'ssh-certificate');
    assert.equal(minted?.data.keyId, `${row.userId}/${row.grantId}`);
    assert.deepEqual(
      Object.keys(minted?.data ?? {}).sort(),
      [...CERT_AUDIT_FIELDS, 'session'].sort(),
    );

    // Downloaded through the API by an auditor, audited before the bytes leave; nobody else may.
    const download = await call(carol, demo.url, 'GET', `/api/v1/sessions/${id}/recording`);
    assert.equal(download.status, 200);
    assert.equal(download.body, readFileSync(path, 'utf8'));
    const exported = await demo.jitgate.audit.list({ code: 'recording.exported', limit: 10 });
    assert.deepEqual(
      exported.filter((e) => e.data.session === id).map((e) => [e.actor, e.target, e.data]),
      [
        [
          'demo:carol',
          'prod-shell',
          { session: id, user: row.userId, sha256: row.checksum, via: 'api' },
        ],
      ],
    );
    const refused = await call(alice, demo.url, 'GET', `/api/v1/sessions/${id}/recording`);
    assert.equal(refused.status, 403);

    // One flipped byte: the checksum no longer matches.
    const content = readFileSync(path);
    content[content.length - 5] = (content[content.length - 5] ?? 0) ^ 0x01;
    const sidecar = await demo.jitgate.terminals.storage.signature(id);
    assert.ok(sidecar);
    const tampered = verifyRecording(content, sidecar, demo.jitgate.terminals.storage.trustedKeys, {
      recording: id,
      storedSha256: row.checksum,
    });
    assert.deepEqual(tampered.ok ? 'ok' : tampered.reason, 'checksum_mismatch');
  });

  it('passes a character split across two frames to the shell whole', async () => {
    const client = await asAlice();
    // "é" is c3 a9 in UTF-8; a piped paste or `jitgate ssh`'s stdin may split it anywhere.
    client.send('echo ');
    client.sendBytes(Buffer.from([0xc3]));
    client.sendBytes(Buffer.concat([Buffer.from([0xa9]), Buffer.from(' | od -An -tx1\r')]));
    await client.waitFor('c3 a9 0a');
    client.send('exit\r');
    await client.closed;
  });

  it('ends the open session within a second of a revoke, with a clear message', async () => {
    const client = await asAlice();
    client.send('echo still-here\r');
    await client.waitFor('still-here');
    const grant = demo.jitgate.store.grants;
    const live = (await grant.listLive(Date.now())).find((g) => g.resourceId === 'prod-shell');
    assert.ok(live);
    const started = Date.now();
    await demo.jitgate.grants.revoke(live.id, 'test');
    const ended = await client.ended(1_000);
    assert.ok(Date.now() - started < 1_000, `ended after ${Date.now() - started} ms`);
    assert.equal(ended.reason, 'revoked');
    assert.match(String(ended.message), /revoked/);
    await client.closed;
  });

  it('ends a session whose grant was revoked while it was being set up, once it is up', async () => {
    const grant = await grantAlice();
    // The revoke lands between the grant check and the session joining the live ones: while
    // its certificate is minted, before ssh starts and the session row is written.
    const ca = demo.jitgate.terminals.ca;
    const mint = ca.mint.bind(ca);
    ca.mint = (input) => {
      ca.mint = mint;
      void demo.jitgate.grants.revoke(grant.id, 'test');
      return mint(input);
    };
    const client = await asAlice();
    const ended = await client.ended(1_000);
    assert.equal(ended.reason, 'revoked');
    await client.closed;
    const id = String(client.messages.find((m) => m.type === 'ready')?.session);
    const row = await endedRow(() => demo.jitgate.store.terminalSessions.get(id));
    assert.equal(row.endReason, 'revoked');
  });

  it('ends a session whose sign-in ended while it was being set up, once it is up', async () => {
    await grantAlice();
    const browser = await demo.login('alice');
    // The logout completes after the sign-in was checked at the upgrade and before the session
    // joins the live ones (its recording, certificate and ssh are being set up meanwhile).
    const ending = demo.jitgate.terminals.service.ending;
    const started = ending.started.bind(ending);
    ending.started = async (...args) => {
      ending.started = started;
      await logOut(browser);
      return started(...args);
    };
    const web = await open({ cookie: portalCookie(browser), origin: demo.url });
    const ended = await web.ended(1_000);
    assert.equal(ended.reason, 'signed_out');
    await web.closed;
  });

  it('lets an auditor watch live (audited) and terminate; others may not', async () => {
    await grantAlice();
    const client = await asAlice();
    await client.until(() => client.messages.some((m) => m.type === 'ready'), 'ready');
    const id = String(client.messages.find((m) => m.type === 'ready')?.session);
    const live = `${demo.url.replace(/^http/, 'ws')}/sessions/${id}/live`;
    const denied = await refusal(
      TerminalClient.connect(live, { cookie: portalCookie(alice), origin: demo.url }),
    );
    assert.equal(denied.status, 403);
    const watcher = await TerminalClient.connect(live, {
      cookie: portalCookie(carol),
      origin: demo.url,
    });
    client.send('echo watched-$((2+3))\r');
    await watcher.waitFor('watched-5');
    // Watching someone's terminal is itself on the record: who, which session; the refused
    // attempt is not a watch.
    const watches = await demo.jitgate.audit.list({ code: 'session.watched', limit: 10 });
    assert.deepEqual(
      watches.map((e) => [e.actor, e.target, e.data]),
      [['demo:carol', id, { how: 'session', user: 'demo:alice' }]],
    );
    const list = await call(carol, demo.url, 'GET', '/api/v1/sessions?person=alice&state=live');
    assert.equal(list.status, 200);
    assert.ok(JSON.stringify(list.json).includes(id));
    assert.equal((await call(alice, demo.url, 'GET', '/api/v1/sessions')).status, 403);
    const stop = await call(carol, demo.url, 'POST', `/api/v1/sessions/${id}/terminate`, {});
    assert.equal(stop.status, 200, stop.body);
    assert.equal((await client.ended(1_000)).reason, 'terminated');
    assert.equal((await watcher.ended(1_000)).reason, 'terminated');
    const row = await endedRow(() => demo.jitgate.store.terminalSessions.get(id));
    assert.equal(row.endReason, 'terminated');
  });

  it('a live view ends with the sign-in it was opened with; the session goes on', async () => {
    await grantAlice();
    const client = await asAlice();
    await client.until(() => client.messages.some((m) => m.type === 'ready'), 'ready');
    const id = String(client.messages.find((m) => m.type === 'ready')?.session);
    const auditor = await demo.login('carol');
    const watcher = await TerminalClient.connect(
      `${demo.url.replace(/^http/, 'ws')}/sessions/${id}/live`,
      { cookie: portalCookie(auditor), origin: demo.url },
    );
    client.send('echo seen-$((3+4))\r');
    await watcher.waitFor('seen-7');
    // The auditor signs out: what they watched with that sign-in is no longer theirs to see.
    await logOut(auditor);
    await watcher.closed;
    client.send('echo still-$((2*4))\r');
    await client.waitFor('still-8');
    client.send('exit\r');
    assert.equal((await client.ended()).reason, 'exit');
  });

  it('a portal logout ends the sessions opened with that sign-in, not the CLI token’s', async () => {
    await grantAlice();
    const browser = await demo.login('alice');
    const web = await open({ cookie: portalCookie(browser), origin: demo.url });
    const cli = await asAlice();
    for (const client of [web, cli])
      await client.until(() => client.messages.some((m) => m.type === 'ready'), 'ready');
    await logOut(browser);
    const ended = await web.ended();
    assert.equal(ended.reason, 'signed_out');
    assert.match(String(ended.message), /signed out/);
    await web.closed;
    cli.send('echo cli-$((6*7))\r');
    await cli.waitFor('cli-42');
    cli.send('exit\r');
    assert.equal((await cli.ended()).reason, 'exit');
  });
});
