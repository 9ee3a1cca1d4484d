// On https every jitgate cookie is a `__Host-` cookie (here: secureCookie always, behind a TLS
// terminator that says X-Forwarded-Proto: https, as express-session sets Secure cookies only on
// https): a
// script on a sibling host (an app under the same domain) can set a cookie for the whole domain,
// but never a `__Host-` one. So a session, an app session or an open login of the attacker's,
// planted under the bare name, is not read: the victim is not signed in as the attacker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { TestBrowser } from '../../support/http-client.js';
import { demoIdpFor } from '../../../proxy/demo/demo-config.js';

let demo: TestDemo;

before(async () => {
  demo = await startTestDemo({
    postgres: false,
    configure: (config) => ({
      ...config,
      server: { ...config.server, trustProxy: true },
      session: { ...config.session, secureCookie: 'always' },
    }),
  });
});
after(() => demo.stop());

/** A browser whose requests come through TLS, as jitgate's TLS terminator tells it. */
const overTls = () => new TestBrowser({ 'x-forwarded-proto': 'https' });

const me = (browser: TestBrowser) =>
  browser.request(`${demo.url}/api/v1/me`, { headers: { accept: 'application/json' } });

/** A cookie planted for the whole domain: the victim's browser sends it to every host. */
function plant(victim: TestBrowser, host: string, name: string, value: string) {
  victim.jar.set(host, name, value);
}

void describe('cookies on https', () => {
  it('are __Host- cookies, and a bare-named session planted by a sibling is not read', async () => {
    const attacker = await demo.login('bob', 'demo', overTls());
    assert.equal(attacker.jar.get('localhost', 'jitgate_session'), undefined);
    const session = attacker.jar.get('localhost', '__Host-jitgate_session');
    assert.ok(session, 'the portal session is a __Host- cookie');
    const victim = overTls();
    plant(victim, 'localhost', 'jitgate_session', session);
    assert.equal((await me(victim)).status, 401);
  });

  it("a bare-named app session planted by a sibling is not read on the app's host", async () => {
    const alice = await demo.login('alice', 'demo', overTls());
    await demo.jitgate.grants.grant({
      user: 'alice',
      resource: 'payroll',
      durationMs: 10 * 60_000,
      actor: 'test',
    });
    assert.equal((await alice.navigate(`${demo.payrollOrigin}/`)).status, 200);
    const host = new URL(demo.payrollOrigin).hostname;
    const app = alice.jar.get(host, '__Host-jitgate_session_app');
    assert.ok(app, 'the app cookie is a __Host- cookie');
    const victim = overTls();
    plant(victim, host, 'jitgate_session_app', app);
    const reply = await victim.request(`${demo.payrollOrigin}/headers`, {
      headers: { accept: 'application/json' },
    });
    // Not signed in there: sent to sign in, as anyone without an app session is.
    assert.equal(reply.status, 302, reply.body.slice(0, 200));
    assert.match(reply.headers.location ?? '', /\/\.jitgate\/start|\/auth\//);
  });

  it("an open login planted by a sibling does not finish in the victim's browser", async () => {
    const attacker = overTls();
    const started = await attacker.request(`${demo.url}/auth/login?idp=${demoIdpFor('bob')}`);
    const state = new URL(started.headers.location ?? '').searchParams.get('state') ?? '';
    const tx = attacker.jar.get('localhost', `__Host-jitgate_session_login_${state}`);
    assert.ok(tx, 'the open login is a __Host- cookie');
    const victim = overTls();
    plant(victim, 'localhost', `jitgate_session_login_${state}`, tx);
    const reply = await victim.request(
      `${demo.url}/auth/callback/${demoIdpFor('bob')}?code=x&state=${state}`,
    );
    assert.equal(reply.headers['x-jitgate-error'], 'login_expired');
  });
});

void describe('Strict-Transport-Security', () => {
  it('the portal sends it over TLS, so a browser never asks for sign-in over http again', async () => {
    const page = await overTls().request(`${demo.url}/auth/login?idp=${demoIdpFor('bob')}`);
    assert.equal(page.headers['strict-transport-security'], 'max-age=31536000');
    const health = await overTls().request(`${demo.url}/healthz`);
    assert.equal(health.headers['strict-transport-security'], 'max-age=31536000');
  });

  it('is never sent over plain http (RFC 6797), where a browser must ignore it', async () => {
    const page = await new TestBrowser().request(`${demo.url}/auth/login?idp=${demoIdpFor('bob')}`);
    assert.equal(page.headers['strict-transport-security'], undefined);
  });
});
