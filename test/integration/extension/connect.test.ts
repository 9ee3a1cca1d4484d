/**
 * The extension's sign-in against the real proxy: the connect page (signed-in person, CSRF,
 * extension id shown, only extension callback URLs), the one-time code bound to the PKCE
 * challenge and redirect, the token and its refresh (rotated: an old refresh token fails), and
 * sign-out, after which neither the token nor the refresh token works.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';
import { csrfOf } from '../../support/portal.js';

const EXTENSION = `chrome-extension://${'a'.repeat(32)}`;
const CALLBACK = `${EXTENSION}/callback.html`;

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

void describe('extension sign-in', () => {
  let demo: TestDemo;
  let alice: TestBrowser;

  before(async () => {
    demo = await startTestDemo();
    alice = await demo.login('alice');
  });
  after(() => demo.stop());

  const json = (path: string, body: object, token?: string) =>
    rawRequest(`${demo.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });

  /** Runs the connect page as alice; returns the code the callback would get. */
  async function connect(verifier: string, redirect = CALLBACK): Promise<string> {
    const query = new URLSearchParams({
      redirect_uri: redirect,
      state: 'state-0123456789abcdef',
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
    });
    const page = await alice.navigate(`${demo.url}/extension/connect?${query.toString()}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Connect the jitgate extension\?/);
    assert.match(page.body, new RegExp(`id="extension-id">${'a'.repeat(32)}<`));
    assert.match(
      String(page.headers['content-security-policy']),
      /form-action 'self' chrome-extension:\/\/a{32}/,
    );
    const answer = await alice.request(`${demo.url}/extension/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...Object.fromEntries(query),
        _csrf: csrfOf(page),
        decision: 'allow',
      }).toString(),
    });
    assert.equal(answer.status, 303);
    const back = new URL(String(answer.headers.location));
    assert.equal(`${back.protocol}//${back.host}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('state'), 'state-0123456789abcdef');
    return back.searchParams.get('code') ?? '';
  }

  void it('refuses redirects that are not an extension callback page', async () => {
    for (const redirect of [
      'https://evil.example/callback.html',
      `${EXTENSION}/popup.html`,
      'chrome-extension://short/callback.html',
    ]) {
      const query = new URLSearchParams({
        redirect_uri: redirect,
        state: 'state-0123456789abcdef',
        code_challenge: s256('x'.repeat(43)),
        code_challenge_method: 'S256',
      });
      const page = await alice.navigate(`${demo.url}/extension/connect?${query.toString()}`);
      assert.equal(page.status, 400, redirect);
    }
  });

  void it('refuses a form without this session’s CSRF token', async () => {
    const answer = await alice.request(`${demo.url}/extension/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        redirect_uri: CALLBACK,
        state: 'state-0123456789abcdef',
        code_challenge: s256('x'.repeat(43)),
        code_challenge_method: 'S256',
        decision: 'allow',
        _csrf: 'forged',
      }).toString(),
    });
    assert.equal(answer.status, 403);
  });

  void it('trades the code once, with the right verifier and redirect only', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const code = await connect(verifier);
    const wrong = await json('/api/v1/extension/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: 'w'.repeat(43),
      redirect_uri: CALLBACK,
    });
    assert.equal(wrong.status, 400);
    // The failed attempt used the code up.
    const again = await json('/api/v1/extension/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
    });
    assert.equal(again.status, 400);
    assert.match(again.body, /invalid_grant/);

    const fresh = randomBytes(32).toString('base64url');
    const good = await json('/api/v1/extension/token', {
      grant_type: 'authorization_code',
      code: await connect(fresh),
      code_verifier: fresh,
      redirect_uri: CALLBACK,
    });
    assert.equal(good.status, 200);
    assert.equal(good.headers['cache-control'], 'no-store');
    const issued = JSON.parse(good.body) as {
      token: string;
      refreshToken: string;
      expiresAt: string;
    };
    assert.match(issued.token, /^jgt_/);
    assert.ok(Date.parse(issued.expiresAt) - Date.now() <= 3_600_000);
    const me = await rawRequest(`${demo.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${issued.token}` },
    });
    assert.match(me.body, /"username":"alice"/);
  });

  void it('refresh rotates; sign-out ends the token and the refresh token', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const first = JSON.parse(
      (
        await json('/api/v1/extension/token', {
          grant_type: 'authorization_code',
          code: await connect(verifier),
          code_verifier: verifier,
          redirect_uri: CALLBACK,
        })
      ).body,
    ) as { token: string; refreshToken: string };
    const renewed = await json('/api/v1/extension/token', {
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    });
    assert.equal(renewed.status, 200);
    const second = JSON.parse(renewed.body) as { token: string; refreshToken: string };
    assert.notEqual(second.token, first.token);
    const old = await rawRequest(`${demo.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${first.token}` },
    });
    assert.equal(old.status, 401, 'the previous token was revoked');
    const reused = await json('/api/v1/extension/token', {
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    });
    assert.equal(reused.status, 400, 'a refresh token works once');

    assert.equal((await json('/api/v1/extension/sign-out', {}, second.token)).status, 200);
    const after = await rawRequest(`${demo.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${second.token}` },
    });
    assert.equal(after.status, 401);
    const refreshed = await json('/api/v1/extension/token', {
      grant_type: 'refresh_token',
      refresh_token: second.refreshToken,
    });
    assert.equal(refreshed.status, 400);
  });
});
