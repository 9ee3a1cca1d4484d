// Terminal sessions across two real jitgate processes on one real PostgreSQL, against a real
// sshd: a terminal opened through replica A is live at B too, watched through B (the auditor sees
// what is typed at A) and terminated through B (A ends it within a second, with one
// `session.ended` by the auditor and a sealed recording). Once A is gone (SIGKILL), B says so
// clearly instead of pretending to watch or terminate a session nobody holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { TestBrowser } from '../../support/http-client.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { Refused, TerminalClient, terminalUrl } from '../../support/terminal.js';
import { waitFor } from '../../support/wire.js';
import { bearerCall, call, portalCookie } from '../access/api-client.js';

/** The bound the issue sets for a change at one replica to hold at every other. */
const ONE_SECOND = 1000;

let cluster: ReplicaCluster;
let alice: TestBrowser;
let carol: TestBrowser;

before(async () => {
  cluster = await startReplicaCluster(['a', 'b']);
  alice = await cluster.login('alice', 'a', 'a');
  carol = await cluster.login('carol', 'b', 'b');
});
after(async () => {
  await cluster?.stop();
});

async function grantShell(): Promise<void> {
  cluster.to('a');
  const reply = await bearerCall(cluster.adminToken, cluster.url, 'POST', '/api/v1/admin/grants', {
    user: 'alice',
    resource: 'shell',
    duration: '30m',
  });
  assert.equal(reply.status, 201, reply.body);
}

/** Alice's terminal, opened through replica A; resolves with it and its session id. */
async function openAtA(): Promise<{ client: TerminalClient; id: string }> {
  cluster.to('a');
  const client = await TerminalClient.connect(
    terminalUrl(cluster.url, 'shell', { login: 'deploy' }),
    {
      cookie: portalCookie(alice),
      origin: cluster.url,
    },
  );
  await client.until(() => client.messages.some((m) => m.type === 'ready'), 'ready');
  return { client, id: String(client.messages.find((m) => m.type === 'ready')?.session) };
}

const watchUrl = (id: string) => `${cluster.url.replace(/^http/, 'ws')}/sessions/${id}/live`;

async function refusal(attempt: Promise<unknown>): Promise<Refused> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof Refused) return error;
    throw error;
  }
  assert.fail('the upgrade was accepted');
}

async function sessionAtB(id: string) {
  cluster.to('b');
  return call(carol, cluster.url, 'GET', `/api/v1/sessions/${id}`);
}

void describe('terminal sessions on two replicas', () => {
  void it('is live, watched and terminated through B while A holds it', async () => {
    await grantShell();
    const { client, id } = await openAtA();

    const shown = await sessionAtB(id);
    assert.equal(shown.status, 200, shown.body);
    assert.equal((shown.json.session as { live: boolean }).live, true, 'live at B too');
    cluster.to('b');
    const list = await call(carol, cluster.url, 'GET', '/api/v1/sessions?state=live');
    const listed = (list.json.sessions as { id: string; live: boolean }[]).find((s) => s.id === id);
    assert.equal(listed?.live, true);
    // The portal at B too: the list shows it live, its page offers the live view and Terminate.
    cluster.to('b');
    const page = await carol.navigate(`${cluster.url}/sessions`);
    const listRow = new RegExp(`data-session="${id}"[\\s\\S]*?</tr>`).exec(page.body)?.[0] ?? '';
    assert.match(listRow, /state-active">live</);
    cluster.to('b');
    const view = await carol.navigate(`${cluster.url}/sessions/${id}`);
    assert.match(view.body, /data-mode="watch"/);
    assert.match(view.body, /id="terminate"/);

    // Alice may not watch (the authorization module says auditors and admins), at B as at A.
    cluster.to('b');
    const denied = await refusal(
      TerminalClient.connect(watchUrl(id), { cookie: portalCookie(alice), origin: cluster.url }),
    );
    assert.deepEqual([denied.status, denied.code], [403, 'auditor_required']);

    cluster.to('b');
    const watcher = await TerminalClient.connect(watchUrl(id), {
      cookie: portalCookie(carol),
      origin: cluster.url,
    });
    await watcher.until(() => watcher.messages.some((m) => m.type === 'ready'), 'ready at B');
    client.send('echo relayed-$((6*7))\r');
    await client.waitFor('relayed-42');
    await watcher.waitFor('relayed-42');

    cluster.to('b');
    const stop = await call(carol, cluster.url, 'POST', `/api/v1/sessions/${id}/terminate`, {});
    assert.equal(stop.status, 200, stop.body);
    const ended = await client.ended(ONE_SECOND);
    assert.equal(ended.reason, 'terminated');
    assert.match(String(ended.message), /carol \(auditor\)/);
    assert.equal((await watcher.ended(ONE_SECOND)).reason, 'terminated');
    await Promise.all([client.closed, watcher.closed]);

    const [row] = await cluster.query('SELECT * FROM terminal_sessions WHERE id = $1', [id]);
    assert.equal(row?.state, 'ended');
    assert.equal(row?.end_reason, 'terminated');
    assert.equal(row?.recording_state, 'complete', 'the recording is sealed');
    assert.match(String(row?.checksum), /^[0-9a-f]{64}$/);
    const events = await cluster.query(
      "SELECT actor, reason FROM audit_events WHERE code = 'session.ended' AND data_json LIKE $1",
      [`%"${id}"%`],
    );
    assert.deepEqual(events, [{ actor: 'corp:carol', reason: 'terminated' }]);
    const answered = stop.json.session as { state: string; live: boolean; endReason: string };
    assert.deepEqual(
      [answered.state, answered.live, answered.endReason],
      ['ended', false, 'terminated'],
    );
    const again = await call(carol, cluster.url, 'POST', `/api/v1/sessions/${id}/terminate`, {});
    assert.equal(again.status, 409, again.body);
  });

  void it('says clearly at B that a session is held by nobody once A is gone', async () => {
    await grantShell();
    const { id } = await openAtA();
    cluster.kill('a');
    // A's heartbeat stops; once it is past the bound, B no longer counts the session live.
    await waitFor(
      async () =>
        (await sessionAtB(id)).json.session !== undefined &&
        ((await sessionAtB(id)).json.session as { live: boolean }).live === false,
      10_000,
      'B to see that nobody holds the session',
    );
    cluster.to('b');
    const watch = await refusal(
      TerminalClient.connect(watchUrl(id), { cookie: portalCookie(carol), origin: cluster.url }),
    );
    assert.deepEqual([watch.status, watch.code], [409, 'session_holder_gone']);
    cluster.to('b');
    const stop = await call(carol, cluster.url, 'POST', `/api/v1/sessions/${id}/terminate`, {});
    assert.equal(stop.status, 409, stop.body);
    assert.match(stop.body, /session_holder_gone/);
  });
});
