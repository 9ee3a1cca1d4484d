// A jitgate killed with SIGKILL mid-session keeps what it promised: an open WebSocket and a long
// upload already have their trail rows (written while open), and the next start on the same
// state folder marks them `crashed`; they and the open terminal session end at the last moment
// the killed process was known alive, never at the restart. What another process (a replica
// still running) left open is not touched.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from '../../support/guarded-test.js';
import { readAdminToken } from '../../../proxy/api/admin-token.js';
import { startDemo, type RunningDemo } from '../../../proxy/demo/start-demo.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqlite, type SqlRow } from '../../../proxy/store/sqlite/database.js';
import { formAction, TestBrowser } from '../../support/http-client.js';
import { authenticatorOf, completeMfa } from '../../support/mfa.js';
import { TerminalClient, terminalUrl } from '../../support/terminal.js';
import { appWebSocket, waitFor } from '../../support/wire.js';
import { call } from '../access/api-client.js';

const APP_COOKIE = 'jitgate_session_app';
const OTHER = 'ins_anotherreplica0';

const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-crash-'));
let restarted: RunningDemo | undefined;
// Its own process group, so kill -9 takes the proxy, its sshd and ssh clients at once.
const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/demo-child.ts'], {
  env: { ...process.env, JITGATE_STATE_DIR: stateDir },
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
after(async () => {
  if (child.exitCode === null && child.signalCode === null)
    process.kill(-(child.pid ?? 0), 'SIGKILL');
  await restarted?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Runs `work` on the proxy's database through a connection of our own (WAL: we see commits). */
function withDb<T>(work: (db: ReturnType<typeof openSqlite>) => T): T {
  const db = openSqlite(join(stateDir, 'jitgate.db'));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

const trailRows = (grantId: string): SqlRow[] =>
  withDb((db) => db.all('SELECT * FROM trail_requests WHERE grant_id = ? ORDER BY id', [grantId]));

async function adminGrant(url: string, resource: string): Promise<string> {
  const reply = await fetch(`${url}/api/v1/admin/grants`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${readAdminToken(stateDir)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ user: 'alice', resource, duration: '30m' }),
  });
  assert.equal(reply.status, 201);
  return ((await reply.json()) as { grant: { id: string } }).grant.id;
}

void describe('SIGKILL mid-session', () => {
  it('leaves trail rows and a terminal session that end when the proxy was last alive', async () => {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    const payrollOrigin = `http://payroll.localhost:${port}`;
    const alice = new TestBrowser();
    const form = await alice.navigate(`${url}/auth/login?idp=demo`);
    const atMfa = await alice.postForm(formAction(form), { username: 'alice', password: 'demo' });
    await completeMfa(alice, atMfa, authenticatorOf(url, 'alice'));
    const bearer = String((await call(alice, url, 'POST', '/api/v1/tokens', {})).json.token);
    const webGrant = await adminGrant(url, 'payroll');
    await adminGrant(url, 'prod-shell');
    assert.equal((await alice.navigate(`${payrollOrigin}/`)).status, 200);
    const cookie = `${APP_COOKIE}=${alice.jar.get('payroll.localhost', APP_COOKIE) ?? ''}`;

    // Under way when the proxy dies: a WebSocket, an upload, a terminal session.
    const { ws, outcome } = appWebSocket(payrollOrigin, '/ws/echo', {
      cookie,
      origin: payrollOrigin,
    });
    assert.equal(await outcome, 'open');
    const upload = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/echo',
      agent: false,
      headers: { host: `payroll.localhost:${port}`, cookie, 'content-type': 'text/plain' },
    });
    upload.on('error', () => undefined);
    upload.write('the first part of a long upload');
    const terminal = await TerminalClient.connect(terminalUrl(url, 'prod-shell'), {
      authorization: `Bearer ${bearer}`,
    });
    terminal.send('echo alive-$((40+2))\r');
    await terminal.waitFor('alive-42');
    const sessionId = String(terminal.messages.find((m) => m.type === 'ready')?.session);

    // Something another process left open, in the same store: not this crash's to end.
    withDb((db) => {
      db.run(
        `INSERT INTO trail_requests (time, grant_id, user_id, resource_id, kind, method, path,
           query, status, bytes_in, bytes_out, duration_ms, upstream, client_address, user_agent,
           ws_messages_in, ws_messages_out, ended, instance, open_seq)
         VALUES (?, ?, 'demo:alice', 'payroll', 'websocket', 'GET', '/elsewhere', '', 101, 0, 0,
           0, 'http://x', '127.0.0.1', '', 0, 0, 'open', ?, 1)`,
        [Date.now(), webGrant, OTHER],
      );
      db.run(
        `INSERT INTO terminal_sessions (id, user_id, resource_id, login, grant_id, via,
           started_at, state, recording_state, instance)
         VALUES ('ts_elsewhere00000000', 'demo:alice', 'prod-shell', 'deploy', 'grt_x', 'web',
           ?, 'live', 'off', ?)`,
        [Date.now(), OTHER],
      );
    });

    const open = await waitFor(
      () => {
        const rows = trailRows(webGrant).filter((r) => r.ended === 'open' && r.path !== '/');
        return rows.length === 3 ? rows : undefined;
      },
      10_000,
      'the open rows of the WebSocket and the upload',
    );
    assert.deepEqual(open.map((r) => r.path).sort(), ['/echo', '/elsewhere', '/ws/echo']);
    const instance = readFileSync(join(stateDir, 'instance'), 'utf8').trim();
    const aliveAt = Number(
      withDb((db) => db.get('SELECT alive_at FROM instances WHERE id = ?', [instance]))?.alive_at,
    );
    assert.ok(aliveAt > 0, 'the proxy beats');

    const killedAt = Date.now();
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await once(child, 'exit');
    ws.terminate();
    upload.destroy();

    restarted = await startDemo({ port: 0, stateDir, log: silentLogger });
    const after = trailRows(webGrant);
    const row = (path: string) => after.find((r) => r.path === path);
    for (const path of ['/ws/echo', '/echo']) {
      const crashed = row(path);
      assert.equal(crashed?.ended, 'crashed', path);
      const end = Number(crashed.time) + Number(crashed.duration_ms);
      assert.ok(
        end >= aliveAt && end <= killedAt,
        `${path} ends at ${end}: ${aliveAt}–${killedAt}`,
      );
    }
    assert.equal(row('/ws/echo')?.status, 101);
    assert.equal(row('/echo')?.status, 200);
    assert.equal(row('/elsewhere')?.ended, 'open', 'another process’s row is left alone');

    const session = await restarted.jitgate.store.terminalSessions.get(sessionId);
    assert.equal(session?.state, 'ended');
    assert.equal(session?.endReason, 'proxy_stopped');
    assert.equal(session?.recordingState, 'recovered');
    const endedAt = session?.endedAt ?? 0;
    assert.ok(
      endedAt >= aliveAt && endedAt <= killedAt,
      `the session ends at ${endedAt}, when the proxy was last alive (${aliveAt}–${killedAt}), not at the restart`,
    );
    const elsewhere = await restarted.jitgate.store.terminalSessions.get('ts_elsewhere00000000');
    assert.equal(elsewhere?.state, 'live', 'another process’s session is left alone');
  });
});
