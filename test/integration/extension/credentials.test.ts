/**
 * What the extension carries, against the real gateway: the session credential is minted for the
 * grantee only; the gateway admits it on same-origin requests to exactly that app and refuses it
 * cross-site, on another origin, forged, once the grant ended, or once the sign-in it was minted
 * under ended (a portal logout, a revoked token); it never reaches the app. The
 * per-grant form login verifies only for its resource while the grant lives. `/.jitgate/open`
 * always leads to the app's home page.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from '../../support/guarded-test.js';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';
import { csrfOf } from '../../support/portal.js';

void describe('session and form credentials', () => {
  let demo: TestDemo;
  let aliceToken: string;
  let bobToken: string;
  const granted: GrantRecord[] = [];

  const issueToken = async (browser: TestBrowser) => {
    const reply = await browser.request(`${demo.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: demo.url, 'sec-fetch-mode': 'cors' },
      body: '{}',
    });
    return (JSON.parse(reply.body) as { token: string }).token;
  };

  before(async () => {
    demo = await startTestDemo();
    aliceToken = await issueToken(await demo.login('alice'));
    bobToken = await issueToken(await demo.login('bob'));
  });
  after(() => demo.stop());
  afterEach(async () => {
    for (const g of granted.splice(0))
      await demo.jitgate.grants.revoke(g.id, 'test').catch(() => undefined);
  });

  const grantAlice = async () => {
    const grant = await demo.jitgate.grants.grant({
      user: 'alice',
      resource: 'payroll',
      durationMs: 60_000,
      actor: 'test',
    });
    granted.push(grant);
    return grant;
  };
  const api = (path: string, token: string, body: object = {}) =>
    rawRequest(`${demo.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const payroll = (path: string, headers: Record<string, string>) =>
    rawRequest(`${demo.payrollOrigin}${path}`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors', ...headers },
    });
  const mint = async (grant: GrantRecord) => {
    const reply = await api(`/grants/${grant.id}/session-credential`, aliceToken);
    assert.equal(reply.status, 200, reply.body);
    return JSON.parse(reply.body) as {
      header: string;
      value: string;
      origin: string;
      expiresAt: string;
    };
  };

  void it('is minted for the grantee only, bound to the app origin, at most 15 minutes', async () => {
    const grant = await grantAlice();
    assert.equal((await api(`/grants/${grant.id}/session-credential`, bobToken)).status, 404);
    const credential = await mint(grant);
    assert.equal(credential.header, 'X-Jitgate-Grant-Credential');
    assert.equal(credential.origin, demo.payrollOrigin);
    assert.ok(Date.parse(credential.expiresAt) <= grant.endsAt);
  });

  void it('admits same-origin requests, refuses cross-site, and never forwards it', async () => {
    const credential = await mint(await grantAlice());
    const carried = { [credential.header]: credential.value };
    const ok = await payroll('/headers', { ...carried, 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.status, 200);
    const seen = JSON.parse(ok.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-jitgate-grant-credential'], undefined);
    assert.match(seen.headers['x-payroll-user'] ?? '', /alice/);
    for (const site of ['cross-site', 'same-site', 'none', undefined]) {
      const refused = await payroll('/headers', {
        ...carried,
        ...(site ? { 'sec-fetch-site': site } : {}),
      });
      assert.equal(refused.status, 403, String(site));
      assert.equal(refused.headers['x-jitgate-error'], 'credential_cross_origin');
    }
    // Defence in depth: an Origin that is not exactly the app's (the same host on another port
    // or scheme, an opaque "null") refuses it even when Sec-Fetch-Site says same-origin.
    const samePort = new URL(demo.payrollOrigin).port;
    for (const origin of [
      `http://payroll.localhost:${Number(samePort) + 1}`,
      `https://payroll.localhost:${samePort}`,
      'null',
    ]) {
      const refused = await payroll('/headers', {
        ...carried,
        'sec-fetch-site': 'same-origin',
        origin,
      });
      assert.equal(refused.status, 403, origin);
      assert.equal(refused.headers['x-jitgate-error'], 'credential_cross_origin');
    }
    const own = await payroll('/headers', {
      ...carried,
      'sec-fetch-site': 'same-origin',
      origin: demo.payrollOrigin,
    });
    assert.equal(own.status, 200);
    const forged = credential.value.slice(0, -4) + 'AAAA';
    const bad = await payroll('/headers', {
      [credential.header]: forged,
      'sec-fetch-site': 'same-origin',
    });
    assert.equal(bad.headers['x-jitgate-error'], 'credential_refused');
  });

  void it('is refused on another origin and once the grant ended', async () => {
    const grant = await grantAlice();
    const credential = await mint(grant);
    const elsewhere = await rawRequest(
      `http://payroll.localhost.evil.localhost:${demo.port}/headers`,
      {
        headers: { [credential.header]: credential.value, 'sec-fetch-site': 'same-origin' },
      },
    );
    assert.notEqual(elsewhere.status, 200);
    await demo.jitgate.grants.revoke(grant.id, 'test');
    const ended = await payroll('/headers', {
      [credential.header]: credential.value,
      'sec-fetch-site': 'same-origin',
    });
    assert.equal(ended.status, 403);
    assert.equal(ended.headers['x-jitgate-error'], 'no_grant');
  });

  void it('ends with the portal session it was minted under: a logout ends it at once', async () => {
    const grant = await grantAlice();
    const browser = await demo.login('alice');
    const minted = await browser.request(
      `${demo.url}/api/v1/grants/${grant.id}/session-credential`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: demo.url, 'sec-fetch-mode': 'cors' },
        body: '{}',
      },
    );
    assert.equal(minted.status, 200, minted.body);
    const credential = JSON.parse(minted.body) as { header: string; value: string };
    const carried = { [credential.header]: credential.value, 'sec-fetch-site': 'same-origin' };
    assert.equal((await payroll('/headers', carried)).status, 200);
    const page = await browser.request(`${demo.url}/auth/logout`);
    const out = await browser.request(`${demo.url}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page) }).toString(),
    });
    assert.equal(out.status, 303);
    const after = await payroll('/headers', carried);
    assert.equal(after.status, 403);
    assert.equal(after.headers['x-jitgate-error'], 'credential_refused');
  });

  void it('ends with the token it was minted under: a revoked token ends it at once', async () => {
    const grant = await grantAlice();
    const token = await issueToken(await demo.login('alice'));
    const reply = await api(`/grants/${grant.id}/session-credential`, token);
    assert.equal(reply.status, 200, reply.body);
    const credential = JSON.parse(reply.body) as { header: string; value: string };
    const carried = { [credential.header]: credential.value, 'sec-fetch-site': 'same-origin' };
    assert.equal((await payroll('/headers', carried)).status, 200);
    const revoked = await rawRequest(`${demo.url}/api/v1/tokens/current`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.ok(revoked.status < 300, revoked.body);
    const after = await payroll('/headers', carried);
    assert.equal(after.status, 403);
    assert.equal(after.headers['x-jitgate-error'], 'credential_refused');
  });

  void it('form login: verifies for its resource while the grant lives', async () => {
    const grant = await grantAlice();
    assert.equal((await api(`/grants/${grant.id}/form-credential`, bobToken)).status, 404);
    const reply = await api(`/grants/${grant.id}/form-credential`, aliceToken);
    assert.equal(reply.status, 200);
    const login = JSON.parse(reply.body) as {
      username: string;
      password: string;
      loginPath: string;
      selectors: { password: string };
    };
    assert.equal(login.loginPath, '/login');
    assert.equal(login.selectors.password, '#password');
    const verify = (body: object) =>
      rawRequest(`${demo.url}/api/v1/form-credentials/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const good = await verify({
      resource: 'payroll',
      username: login.username,
      password: login.password,
    });
    assert.match(good.body, /"valid":true/);
    assert.match(
      (await verify({ resource: 'orders-db', username: login.username, password: login.password }))
        .body,
      /"valid":false/,
    );
    assert.match(
      (await verify({ resource: 'payroll', username: 'bob', password: login.password })).body,
      /"valid":false/,
    );
    await demo.jitgate.grants.revoke(grant.id, 'test');
    assert.match(
      (await verify({ resource: 'payroll', username: login.username, password: login.password }))
        .body,
      /"valid":false/,
    );
  });

  void it('/.jitgate/open leads to the app’s home page, whatever is asked', async () => {
    const page = await rawRequest(`${demo.payrollOrigin}/.jitgate/open`, {
      headers: { accept: 'text/html' },
    });
    assert.equal(page.status, 200);
    // It names only the app's home page; the extension's script continues there (no refresh of
    // its own, which could leave before the credential rule covers the tab).
    assert.match(page.body, /<meta name="jitgate-open" content="\/"/);
    assert.doesNotMatch(page.body, /http-equiv="refresh"/);
    const other = await rawRequest(`${demo.payrollOrigin}/.jitgate/open?to=//evil.example`, {
      headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' },
    });
    assert.notEqual(other.status, 200, 'only the bare path is the open page');
  });
});
