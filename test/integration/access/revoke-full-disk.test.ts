// Ending access is the safe direction: on a full disk (the state folder on a small tmpfs, so the
// store cannot write) an admin's revoke and a holder's release still cut access at once — the
// open WebSocket closes, the app refuses — and the failure is loud: an error log with its cause,
// a metric, and a webhook sent straight out. Once space returns, each end is recorded with its
// original time and audited exactly once.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { createLogger } from '../../../proxy/shared/logger.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';
import { appWebSocket, waitFor } from '../../support/wire.js';
import { call } from './api-client.js';

const APP_COOKIE = 'jitgate_session_app';
const MIN = 60_000;

let dir = '';
let mounted = false;
let demo: TestDemo;
let alice: TestBrowser;
let aliceToken = '';
let receiver: http.Server;
const alerts: { type: string; data: Record<string, unknown> }[] = [];
const logs: string[] = [];
let filler = '';
const ended: { id: string; code: string; actor: string; at: number }[] = [];
/** Alice's demo-cluster grant and its bearer, made while the disk still had room. */
let cluster: { id: string; token: string } | undefined;

before(async () => {
  // A tmpfs needs root; nothing here is skipped without it.
  dir = mkdtempSync(join(tmpdir(), 'jitgate-fulldisk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', dir]);
  mounted = true;
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      alerts.push(JSON.parse(body) as (typeof alerts)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/alerts`;
  demo = await startTestDemo({
    stateDir: join(dir, 'state'),
    log: createLogger({ level: 'info', write: (line) => logs.push(line) }),
    configure: (config) => ({
      ...config,
      notifications: {
        webhooks: [
          {
            id: 'ops',
            url,
            secret: 'a-webhook-secret-for-the-full-disk-test',
            events: ['alert.revocation_unrecorded', 'alert.revocation_recorded'],
          },
        ],
      },
    }),
  });
  alice = await demo.login('alice');
  const issued = await call(alice, demo.url, 'POST', '/api/v1/tokens', { label: 'cli' });
  assert.equal(issued.status, 201, issued.body);
  aliceToken = String(issued.json.token);
});

after(async () => {
  try {
    if (filler) rmSync(filler, { force: true });
    await demo?.stop();
    receiver?.close();
  } finally {
    // The mount goes whatever happened above: a test must leave no tmpfs behind.
    if (mounted) execFileSync('umount', ['--lazy', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Fills the tmpfs, then writes through the store until the store itself refuses. */
async function fillTheDisk() {
  filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  // SQLite may still reuse space inside its files: write until it cannot.
  let refused = false;
  for (let i = 0; i < 1000 && !refused; i++) {
    try {
      await demo.jitgate.store.settings.putIfAbsent(`filler_${i}`, 'x'.repeat(32 * 1024));
    } catch {
      refused = true;
    }
  }
  assert.ok(refused, 'the store refuses writes');
}

async function grantAlice() {
  const grant = await demo.jitgate.grants.grant({
    user: 'alice',
    resource: 'payroll',
    durationMs: 30 * MIN,
    actor: 'test',
  });
  const page = await alice.navigate(`${demo.payrollOrigin}/headers`);
  assert.equal(page.status, 200);
  return grant;
}

const payrollStatus = async () => (await alice.navigate(`${demo.payrollOrigin}/headers`)).status;

async function metric(name: string): Promise<number> {
  const text = (await rawRequest(`${demo.url}/metrics`)).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

const endEvents = async (code: string, grant: string) =>
  (await demo.jitgate.audit.list({ code, limit: 1000 })).filter((e) => e.data.grant === grant);

void describe('a grant end on a full disk', () => {
  void it('an admin revoke cuts access at once and says so loudly', async () => {
    const grant = await grantAlice();
    const cookie = alice.jar.get('payroll.localhost', APP_COOKIE) ?? '';
    const { ws, outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      cookie: `${APP_COOKIE}=${cookie}`,
      origin: demo.payrollOrigin,
    });
    assert.equal(await outcome, 'open');
    const closed = once(ws, 'close');
    const kube = await demo.jitgate.grants.grant({
      user: 'alice',
      resource: 'demo-cluster',
      durationMs: 30 * MIN,
      actor: 'test',
    });
    const credential = await rawRequest(`${demo.url}/api/v1/grants/${kube.id}/credentials`, {
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    assert.equal(credential.status, 200, credential.body);
    const { token } = (JSON.parse(credential.body) as { credential: { token: string } }).credential;
    cluster = { id: kube.id, token };
    await fillTheDisk();

    const adminToken = readFileSync(join(demo.stateDir, 'admin-token'), 'utf8').trim();
    const reply = await rawRequest(`${demo.url}/api/v1/admin/grants/${grant.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(reply.status, 202, reply.body);
    const answer = JSON.parse(reply.body) as { recorded: boolean; grant: { state: string } };
    assert.equal(answer.recorded, false);
    assert.equal(answer.grant.state, 'revoked');
    ended.push({ id: grant.id, code: 'grant.revoked', actor: 'admin-cli', at: Date.now() });

    await closed;
    assert.equal(await payrollStatus(), 403, 'payroll refuses her at once');
    assert.equal(await metric('jitgate_pending_revocations'), 1);
    assert.ok((await metric('jitgate_revocation_write_failures_total')) >= 1);
    const logged = logs
      .map(
        (line) =>
          JSON.parse(line) as { level: string; msg: string; grant?: string; error?: unknown },
      )
      .find((l) => l.level === 'error' && l.grant === grant.id && /not recorded/.test(l.msg));
    assert.ok(logged?.error, 'an error log line with the cause');
    const alert = await waitFor(
      () =>
        alerts.find((a) => a.type === 'alert.revocation_unrecorded' && a.data.grant === grant.id),
      5000,
      'the alert webhook',
    );
    assert.equal(typeof alert.data.cause, 'string');
    assert.deepEqual(await endEvents('grant.revoked', grant.id), [], 'not audited yet');
  });

  void it('a holder’s release ends the grant too, answered as not yet recorded', async () => {
    assert.ok(cluster, 'the first test made the demo-cluster grant');
    const reply = await rawRequest(`${demo.url}/api/v1/grants/${cluster.id}/release`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(reply.status, 202, reply.body);
    assert.equal((JSON.parse(reply.body) as { recorded: boolean }).recorded, false);
    ended.push({ id: cluster.id, code: 'grant.released', actor: 'demo:alice', at: Date.now() });
    const review = await rawRequest(`${demo.url}/api/v1/kubernetes/tokenreview`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${demo.kubeReviewerToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token: cluster.token },
      }),
    });
    const status = (JSON.parse(review.body) as { status: { authenticated: boolean } }).status;
    assert.equal(status.authenticated, false, 'its bearer is refused at once');
    // Read back through the store, the grant is over too (nothing can mint on it again).
    const read = await demo.jitgate.store.grants.get(cluster.id);
    assert.notEqual(read?.revokedAt, null);
    const again = await rawRequest(`${demo.url}/api/v1/grants/${cluster.id}/credentials`, {
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    assert.equal(again.status, 409, again.body);
    assert.equal(await metric('jitgate_pending_revocations'), 2);
  });

  void it('once space returns, each end is recorded with its time and audited once', async () => {
    unlinkSync(filler);
    for (const end of ended) {
      const [event] = await waitFor(
        async () => {
          const events = await endEvents(end.code, end.id);
          return events.length > 0 && events;
        },
        10_000,
        `${end.code} of ${end.id} recorded`,
      );
      assert.equal(event?.actor, end.actor);
      assert.equal(event?.data.recordedLate, true);
      const stored = await demo.jitgate.store.grants.get(end.id);
      assert.ok(typeof stored?.revokedAt === 'number');
      assert.ok(stored.revokedAt <= end.at, 'recorded with the time it took effect');
      await waitFor(
        () => alerts.find((a) => a.type === 'alert.revocation_recorded' && a.data.grant === end.id),
        5000,
        'the all-clear webhook',
      );
      assert.equal((await endEvents(end.code, end.id)).length, 1, 'audited once');
    }
    assert.equal(await metric('jitgate_pending_revocations'), 0);
  });
});
