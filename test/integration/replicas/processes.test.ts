// Two real jitgate processes on one real PostgreSQL behind one public URL, over HTTP: a login
// started at one finishes at the other; a revoke at A is refused at B within a second and cuts
// B's open WebSocket; a logout at A is refused at B within a second; a request made at one
// replica and approved at the other reaches event streams on both; each webhook goes out once;
// a grant both replicas see end is expired once; with PostgreSQL down nobody is admitted on stale
// data and service returns with it; SIGKILL of A: B serves on, expires A's grants, and the audit
// chain both wrote verifies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { WebSocket } from 'ws';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';
import { runCli } from '../../support/cli.js';
import { csrfOf } from '../../support/portal.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { appWebSocket, waitFor } from '../../support/wire.js';
import { bearerCall, call, EventStream, portalCookie } from '../access/api-client.js';

/** The bound the issue sets for a change at one replica to hold at every other. */
const ONE_SECOND = 1000;

let cluster: ReplicaCluster;
let alice: TestBrowser;
let bob: TestBrowser;

before(async () => {
  cluster = await startReplicaCluster(['a', 'b']);
  // Signed in once, so jitgate knows them (an admin grants only to known people).
  alice = await cluster.login('alice', 'a', 'b');
  bob = await cluster.login('bob', 'b', 'a');
});
after(async () => {
  await cluster?.stop();
});

async function adminGrant(at: string, duration: string): Promise<string> {
  cluster.to(at);
  const reply = await bearerCall(cluster.adminToken, cluster.url, 'POST', '/api/v1/admin/grants', {
    user: 'alice',
    resource: 'echo',
    duration,
  });
  assert.equal(reply.status, 201, reply.body);
  return String((reply.json.grant as { id: string }).id);
}

async function revoke(grantId: string): Promise<void> {
  cluster.to('a');
  const reply = await bearerCall(
    cluster.adminToken,
    cluster.url,
    'POST',
    `/api/v1/admin/grants/${grantId}/revoke`,
    {},
  );
  assert.equal(reply.status, 200, reply.body);
}

/** Alice opens the echo app at replica `at` (the handoff is minted and redeemed there). */
async function openApp(at: string): Promise<number> {
  cluster.to(at);
  const page = await alice.navigate(`${cluster.appOrigin}/`);
  return page.status;
}

/** Alice's app request at replica `at`, without following redirects. */
async function appStatus(at: string): Promise<number> {
  cluster.to(at);
  return (await alice.request(`${cluster.appOrigin}/`)).status;
}

/** How many grant.expired events the shared audit log holds for `grantId`. */
async function expiredEvents(grantId: string): Promise<number> {
  const rows = await cluster.query(
    "SELECT count(*)::int AS n FROM audit_events WHERE code = 'grant.expired' AND data_json LIKE $1",
    [`%"${grantId}"%`],
  );
  return Number(rows[0]?.n);
}

void describe('two jitgate processes on one PostgreSQL', () => {
  void it('finishes at one replica a login started at the other', async () => {
    for (const at of ['a', 'b']) {
      cluster.to(at);
      const me = await call(alice, cluster.url, 'GET', '/api/v1/me');
      assert.equal(me.status, 200, `${at}: ${me.body}`);
      assert.match(me.body, /alice/);
    }
  });

  void it('cuts at B, within a second, a WebSocket whose grant was revoked at A', async () => {
    const grantId = await adminGrant('a', '30m');
    // B admits on a grant A made a moment ago at once: it catches up before it would refuse.
    assert.equal(await openApp('b'), 200);
    cluster.to('b');
    const { ws, outcome } = appWebSocket(cluster.appOrigin, '/', {
      cookie: alice.jar.header('echo.localhost') ?? '',
      origin: cluster.appOrigin,
    });
    assert.equal(await outcome, 'open');
    const closed = new Promise<number>((resolve) => ws.once('close', () => resolve(Date.now())));
    ws.send('ping');
    await new Promise((resolve) => ws.once('message', resolve));

    await revoke(grantId);
    const revokedAt = Date.now();
    await waitFor(() => ws.readyState === WebSocket.CLOSED, ONE_SECOND, "B's WebSocket to close");
    assert.ok((await closed) - revokedAt <= ONE_SECOND);
    assert.equal(await appStatus('b'), 403);
  });

  void it('admits at B, at once, a session credential minted at A for a grant made there', async () => {
    cluster.to('a');
    const issued = await alice.request(`${cluster.url}/api/v1/tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: cluster.url,
        'sec-fetch-mode': 'cors',
      },
      body: '{}',
    });
    assert.equal(issued.status, 201, issued.body);
    const { token } = JSON.parse(issued.body) as { token: string };
    // A grant and a credential for it, both at A; B admits it whether or not its feed brought
    // the grant in yet (it catches up first: the race itself is change-feed.test.ts's).
    const grantId = await adminGrant('a', '10m');
    const minted = await bearerCall(
      token,
      cluster.url,
      'POST',
      `/api/v1/grants/${grantId}/session-credential`,
      {},
    );
    assert.equal(minted.status, 200, minted.body);
    const { header, value } = minted.json as { header: string; value: string };
    cluster.to('b');
    const app = await rawRequest(`${cluster.appOrigin}/`, {
      headers: { [header]: value, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
    });
    assert.equal(app.status, 200, app.body);
    assert.match(app.body, /echo for alice/);
    await revoke(grantId);
  });

  void it('refuses at B, within a second, a session logged out at A', async () => {
    const grantId = await adminGrant('a', '30m');
    const carol = await cluster.login('alice', 'a', 'a');
    // B has the session in its cache: the app host and the API both took it there.
    cluster.to('b');
    await waitFor(
      async () => (await carol.navigate(`${cluster.appOrigin}/`)).status === 200,
      ONE_SECOND,
      'B to admit',
    );
    assert.equal((await call(carol, cluster.url, 'GET', '/api/v1/me')).status, 200);
    // The browser drops its cookies at logout; a thief who kept them is who B must refuse.
    const portal = portalCookie(carol);
    const app = carol.jar.header('echo.localhost') ?? '';
    cluster.to('a');
    // Signing out is a POST with the page's CSRF token (a GET only shows the button).
    const signOut = await carol.request(`${cluster.url}/auth/logout`);
    const out = await carol.request(`${cluster.url}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: cluster.url },
      body: new URLSearchParams({ _csrf: csrfOf(signOut) }).toString(),
    });
    assert.equal(out.status, 303);
    cluster.to('b');
    await waitFor(
      async () =>
        (await statusWith(`${cluster.appOrigin}/`, app)) !== 200 &&
        (await statusWith(`${cluster.url}/api/v1/me`, portal)) === 401,
      ONE_SECOND,
      'B to refuse the logged-out session',
    );
    await revoke(grantId);
  });

  void it('tells event streams on either replica of a request made and approved on the other', async () => {
    cluster.to('a');
    const aliceAtA = await EventStream.open(cluster.url, { cookie: portalCookie(alice) });
    assert.equal(aliceAtA.status, 200);
    cluster.to('b');
    const aliceAtB = await EventStream.open(cluster.url, { cookie: portalCookie(alice) });
    assert.equal(aliceAtB.status, 200);
    try {
      cluster.to('a');
      const made = await call(alice, cluster.url, 'POST', '/api/v1/requests', {
        resource: 'echo',
        duration: '30m',
        reason: 'replica check',
      });
      assert.equal(made.status, 201, made.body);
      const id = String((made.json.request as { id: string }).id);
      const isIt = (d: Record<string, unknown>) => (d.request as { id?: string }).id === id;
      await aliceAtB.next('request.created', isIt, ONE_SECOND);

      cluster.to('b');
      const approved = await call(bob, cluster.url, 'POST', `/api/v1/requests/${id}/approve`, {});
      assert.equal(approved.status, 200, approved.body);
      const grant = await aliceAtA.next('grant.started', () => true, ONE_SECOND);
      const grantId = String((grant.data.grant as { id: string }).id);

      // Each webhook goes out once, from whichever replica claimed it.
      await waitFor(
        async () =>
          (
            await cluster.query(
              'SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL',
            )
          )[0]?.n === 0,
        10_000,
        'the outbox to drain',
      );
      const started = cluster.webhooks.filter(
        (w) => w.body.type === 'grant.started' && JSON.stringify(w.body).includes(grantId),
      );
      assert.equal(started.length, 1);
      const created = cluster.webhooks.filter(
        (w) => w.body.type === 'request.created' && JSON.stringify(w.body).includes(id),
      );
      assert.equal(created.length, 1);
      // Released, so the tests below see only the grants they make.
      const released = await call(
        alice,
        cluster.url,
        'POST',
        `/api/v1/grants/${grantId}/release`,
        {},
      );
      assert.equal(released.status, 200, released.body);
    } finally {
      aliceAtA.close();
      aliceAtB.close();
    }
  });

  void it('writes one grant.expired for a grant both replicas see end', async () => {
    const grantId = await adminGrant('a', '2s');
    assert.equal(await openApp('b'), 200);
    await waitFor(async () => (await appStatus('b')) === 403, 5_000, 'B to see the grant end');
    await waitFor(async () => (await appStatus('a')) === 403, 5_000, 'A to see the grant end');
    await waitFor(async () => (await expiredEvents(grantId)) > 0, 5_000, 'grant.expired');
    assert.equal(await expiredEvents(grantId), 1);
  });

  void it('admits nobody on stale data while PostgreSQL is down, and serves again after', async () => {
    const grantId = await adminGrant('a', '30m');
    await waitFor(async () => (await openApp('b')) === 200, ONE_SECOND, 'B to admit');
    const startAgain = await cluster.pg.stopServer();
    try {
      // Past the documented bound (1 s without the change feed), every replica refuses: 503.
      for (const at of ['a', 'b'])
        await waitFor(async () => (await appStatus(at)) === 503, 3_000, `${at} to refuse`);
      cluster.to('b');
      const refused = await alice.request(`${cluster.appOrigin}/`);
      assert.match(
        String(refused.headers['x-jitgate-error']),
        /^(grant_book_stale|store_unavailable)$/,
      );
    } finally {
      await startAgain();
    }
    for (const at of ['a', 'b'])
      await waitFor(async () => (await appStatus(at)) === 200, 10_000, `${at} to serve again`);
    await revoke(grantId);
  });

  void it('serves on at B after SIGKILL of A, expires A’s grants, and keeps one audit chain', async () => {
    const grantId = await adminGrant('a', '4s');
    await waitFor(async () => (await openApp('b')) === 200, ONE_SECOND, 'B to admit');
    cluster.kill('a');
    assert.equal(await appStatus('b'), 200);
    await waitFor(async () => (await appStatus('b')) === 403, 5_000, 'B to end A’s grant');
    await waitFor(async () => (await expiredEvents(grantId)) > 0, 5_000, 'grant.expired at B');
    assert.equal(await expiredEvents(grantId), 1);
    const verified = await runCli(['audit', 'verify', '--postgres'], {
      JITGATE_PG_URL: cluster.storeUrl,
    });
    assert.equal(verified.code, 0, verified.stderr);
  });
});

/** GET `url` with only this Cookie header (no jar, no redirects): the status. */
async function statusWith(url: string, cookie: string): Promise<number> {
  return (await rawRequest(url, { headers: { cookie, accept: 'application/json' } })).status;
}
