// One-time codes across two real jitgate processes on one PostgreSQL: each sign-in code or
// challenge minted at replica A is redeemed at replica B, and a second redemption (at either)
// is refused. The app handoff (portal at A, app host at B), a passkey challenge issued at A and
// answered at B (and the other way round for the step-up), the CLI's login code (consent at A,
// the real `jitgate login` redeeming at B) and the extension's code and refresh token.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { formFields, startCliLogin } from '../../support/cli-login.js';
import { formAction, rawRequest, type Reply, type TestBrowser } from '../../support/http-client.js';
import { csrfOf } from '../../support/portal.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { SoftCredential } from '../../support/soft-authenticator.js';
import { bearerCall } from '../access/api-client.js';

let cluster: ReplicaCluster;
let alice: TestBrowser;

before(async () => {
  cluster = await startReplicaCluster(['a', 'b']);
  alice = await cluster.login('alice', 'a', 'a');
});
after(async () => {
  await cluster?.stop();
});

/** One step of a browser at replica `at`, no redirect followed. */
function step(at: string, url: string, options: Parameters<TestBrowser['request']>[1] = {}) {
  cluster.to(at);
  return alice.request(url, options);
}

const locationOf = (reply: Reply) => {
  assert.ok(reply.status >= 300 && reply.status < 400, `${reply.status}: ${reply.body}`);
  return new URL(String(reply.headers.location), reply.url).href;
};

/** How many codes of `kind` the shared store still holds. */
async function stored(kind: string): Promise<number> {
  const rows = await cluster.query(
    'SELECT count(*)::int AS n FROM one_time_codes WHERE kind = $1',
    [kind],
  );
  return Number(rows[0]?.n);
}

void describe('one-time codes across two replicas', () => {
  void it('redeems at B, once, an app handoff minted at A', async () => {
    cluster.to('a');
    const granted = await bearerCall(
      cluster.adminToken,
      cluster.url,
      'POST',
      '/api/v1/admin/grants',
      { user: 'alice', resource: 'echo', duration: '30m' },
    );
    assert.equal(granted.status, 201, granted.body);
    // The app host at A sends the browser to the portal, which mints the code at A too.
    const toPortal = locationOf(await step('a', `${cluster.appOrigin}/`));
    assert.match(toPortal, /\/auth\/app\?/);
    const toApp = locationOf(await step('a', toPortal));
    assert.match(toApp, /\/\.jitgate\/auth\?code=/);

    const redeemed = await step('b', toApp);
    assert.equal(locationOf(redeemed), `${cluster.appOrigin}/`);
    const app = await step('b', `${cluster.appOrigin}/`);
    assert.equal(app.status, 200, app.body);
    assert.match(app.body, /echo for alice/);

    // The same link again, at either replica, signs nobody in.
    for (const at of ['a', 'b']) {
      const again = await step(at, toApp);
      assert.notEqual(again.status, 302, `${at} redeemed the handoff a second time`);
      assert.equal(again.headers['set-cookie'], undefined);
    }
  });

  void it('checks at B a passkey answer to a challenge issued at A, once', async () => {
    const passkey = new SoftCredential('localhost', cluster.url);
    const post = async (at: string, path: string, body: object) => {
      const reply = await step(at, `${cluster.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      return { ...reply, json: JSON.parse(reply.body) as Record<string, unknown> };
    };
    const page = await step('a', `${cluster.url}/mfa/webauthn/enroll?rd=%2F`);
    assert.equal(page.status, 200, page.body);
    const _csrf = csrfOf(page);

    const enrollOptions = await post('a', '/mfa/webauthn/enroll/options', { _csrf, rd: '/' });
    assert.equal(enrollOptions.status, 200, enrollOptions.body);
    const registration = passkey.register(enrollOptions.json as { challenge: string });
    const enrolled = await post('b', '/mfa/webauthn/enroll', {
      _csrf,
      rd: '/',
      name: 'Replica key',
      response: registration,
    });
    assert.equal(enrolled.status, 200, enrolled.body);

    // A step-up (the enrolment renewed the session, so a fresh page and token): the challenge
    // from B, answered at A; the same answer again is refused.
    const verifyPage = await step('b', `${cluster.url}/mfa/webauthn/verify?rd=%2F`);
    assert.equal(verifyPage.status, 200, verifyPage.body);
    const csrf = csrfOf(verifyPage);
    const verifyOptions = await post('b', '/mfa/webauthn/verify/options', { _csrf: csrf, rd: '/' });
    assert.equal(verifyOptions.status, 200, verifyOptions.body);
    const answer = passkey.assert(verifyOptions.json as { challenge: string });
    const verified = await post('a', '/mfa/webauthn/verify', {
      _csrf: csrf,
      rd: '/',
      response: answer,
    });
    assert.equal(verified.status, 200, verified.body);
    // The step-up renewed the session again: the replay carries the new page's token.
    for (const at of ['b', 'a']) {
      const again = csrfOf(await step(at, `${cluster.url}/mfa/webauthn/verify?rd=%2F`));
      const replayed = await post(at, '/mfa/webauthn/verify', {
        _csrf: again,
        rd: '/',
        response: answer,
      });
      assert.equal(replayed.status, 400, `${at}: ${replayed.body}`);
      assert.equal(typeof (replayed.json.error as { code?: unknown }).code, 'string');
    }
  });

  void it('lets `jitgate login` redeem at B the code its consent minted at A', async () => {
    const home = mkdtempSync(join(tmpdir(), 'jitgate-cli-home-'));
    try {
      const run = startCliLogin(cluster.url, home);
      cluster.to('a');
      const consent = await alice.navigate(await run.authorizeUrl);
      assert.equal(consent.status, 200, consent.body);
      const allowed = await step('a', formAction(consent), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(formFields(consent.body, 'allow')).toString(),
      });
      const callback = locationOf(allowed);
      assert.equal(await stored('cli-login'), 1);
      // The CLI's own loopback callback; the CLI then trades the code at the portal: B now.
      cluster.to('b');
      assert.equal((await alice.request(callback)).status, 200);
      const { code, stderr } = await run.done;
      assert.equal(code, 0, stderr);
      assert.match(stderr, /signed in as corp:alice/);
      assert.equal(await stored('cli-login'), 0, 'the code is spent');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  void it('trades at B, once, the extension code minted at A, and its refresh token at A', async () => {
    const callbackPage = `chrome-extension://${'a'.repeat(32)}/callback.html`;
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      redirect_uri: callbackPage,
      state: 'state-0123456789abcdef',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const page = await step('a', `${cluster.url}/extension/connect?${query.toString()}`);
    assert.equal(page.status, 200, page.body);
    const allowed = await step('a', `${cluster.url}/extension/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...Object.fromEntries(query),
        _csrf: csrfOf(page),
        decision: 'allow',
      }).toString(),
    });
    const code = new URL(String(allowed.headers.location)).searchParams.get('code') ?? '';
    assert.ok(code, `no code: ${allowed.status} ${allowed.body}`);

    const token = (at: string, body: object) => {
      cluster.to(at);
      return rawRequest(`${cluster.url}/api/v1/extension/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    };
    const trade = {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: callbackPage,
    };
    const issued = await token('b', trade);
    assert.equal(issued.status, 200, issued.body);
    for (const at of ['a', 'b'])
      assert.equal((await token(at, trade)).status, 400, `${at} traded the code twice`);

    const { refreshToken } = JSON.parse(issued.body) as { refreshToken: string };
    const refresh = { grant_type: 'refresh_token', refresh_token: refreshToken };
    assert.equal((await token('a', refresh)).status, 200);
    assert.equal((await token('b', refresh)).status, 400, 'a refresh token works once');
  });
});
