// Two real jitgate processes on one PostgreSQL: a session credential (the extension's header)
// that replica B has already admitted is refused at B as soon as the sign-in it was minted under
// ends at A -- a portal logout, or a revoked bearer token -- as B refuses the app cookie of the
// same sign-in, and not only once B's cache of "this sign-in holds" would have expired.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';
import { csrfOf } from '../../support/portal.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { TerminalClient, terminalUrl } from '../../support/terminal.js';
import { waitFor } from '../../support/wire.js';
import { bearerCall, call, EventStream, portalCookie } from '../access/api-client.js';

/** The bound the design sets for a change at one replica to hold at every other. */
const ONE_SECOND = 1000;

let cluster: ReplicaCluster;

before(async () => {
  cluster = await startReplicaCluster(['a', 'b']);
});
after(async () => {
  await cluster?.stop();
});

async function adminGrant(resource = 'echo'): Promise<string> {
  cluster.to('a');
  const reply = await bearerCall(cluster.adminToken, cluster.url, 'POST', '/api/v1/admin/grants', {
    user: 'alice',
    resource,
    duration: '30m',
  });
  assert.equal(reply.status, 201, reply.body);
  return String((reply.json.grant as { id: string }).id);
}

/** Alice's app request at B carrying the session credential: the status. */
async function withCredentialAtB(credential: { header: string; value: string }) {
  cluster.to('b');
  const reply = await rawRequest(`${cluster.appOrigin}/`, {
    headers: {
      [credential.header]: credential.value,
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'cors',
    },
  });
  return reply.status;
}

/** A credential minted at A, then admitted at B (so B holds "its sign-in holds" in memory). */
async function admittedAtB(mint: () => Promise<{ status: number; body: string; json: unknown }>) {
  cluster.to('a');
  const minted = await mint();
  assert.equal(minted.status, 200, minted.body);
  const credential = minted.json as { header: string; value: string };
  assert.equal(await withCredentialAtB(credential), 200);
  return credential;
}

/** Signs `browser` out at replica A, as the portal's button does. */
async function signOutAtA(browser: TestBrowser) {
  cluster.to('a');
  const signOut = await browser.request(`${cluster.url}/auth/logout`);
  const out = await browser.request(`${cluster.url}/auth/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: cluster.url },
    body: new URLSearchParams({ _csrf: csrfOf(signOut) }).toString(),
  });
  assert.equal(out.status, 303);
}

void describe('a session credential at B when its sign-in ends at A', () => {
  void it('is refused at B within a second of a portal logout at A', async () => {
    const alice = await cluster.login('alice', 'a', 'a');
    const grantId = await adminGrant();
    const credential = await admittedAtB(() =>
      call(alice, cluster.url, 'POST', `/api/v1/grants/${grantId}/session-credential`, {}),
    );
    await signOutAtA(alice);
    await waitFor(
      async () => (await withCredentialAtB(credential)) === 403,
      ONE_SECOND,
      'B to refuse the credential of the ended session',
    );
  });

  void it('is refused at B within a second of revoking, at A, the token it was minted under', async () => {
    const alice: TestBrowser = await cluster.login('alice', 'a', 'a');
    const grantId = await adminGrant();
    cluster.to('a');
    const issued = await call(alice, cluster.url, 'POST', '/api/v1/tokens', {});
    assert.equal(issued.status, 201, issued.body);
    const token = String(issued.json.token);
    const credential = await admittedAtB(() =>
      bearerCall(token, cluster.url, 'POST', `/api/v1/grants/${grantId}/session-credential`, {}),
    );
    cluster.to('a');
    const revoked = await bearerCall(token, cluster.url, 'DELETE', '/api/v1/tokens/current');
    assert.equal(revoked.status, 200, revoked.body);
    await waitFor(
      async () => (await withCredentialAtB(credential)) === 403,
      ONE_SECOND,
      'B to refuse the credential of the revoked token',
    );
  });

  void it('a terminal session opened at B with that sign-in ends within a second of the logout at A', async () => {
    const alice = await cluster.login('alice', 'a', 'a');
    await adminGrant('shell');
    cluster.to('b');
    const terminal = await TerminalClient.connect(
      terminalUrl(cluster.url, 'shell', { login: 'deploy' }),
      { cookie: portalCookie(alice), origin: cluster.url },
    );
    try {
      await terminal.until(() => terminal.messages.some((m) => m.type === 'ready'), 'ready');
      await signOutAtA(alice);
      await waitFor(
        () => terminal.messages.find((m) => m.type === 'ended'),
        ONE_SECOND,
        'the terminal at B to end',
      );
      const ended = terminal.messages.find((m) => m.type === 'ended');
      assert.equal(ended?.type === 'ended' && ended.reason, 'signed_out');
    } finally {
      terminal.close();
    }
  });

  void it('an event stream opened at B with that sign-in ends within a second of the logout at A', async () => {
    const alice = await cluster.login('alice', 'a', 'a');
    cluster.to('b');
    const stream = await EventStream.open(cluster.url, { cookie: portalCookie(alice) });
    assert.equal(stream.status, 200);
    try {
      await signOutAtA(alice);
      await stream.closed(ONE_SECOND);
    } finally {
      stream.close();
    }
  });
});
