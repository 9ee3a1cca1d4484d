// MFA at login, as the demo runs it (mfa.atLogin): after the IdP a login waits for its second
// factor with no user in the session (API 401, portal signed out, app refused); the first login
// enrolls, later ones verify; finishing MFA changes the session id and kills the one before;
// a waiting login of someone who has a factor cannot add another one (a password is not enough);
// removing a factor waits for a fresh step-up, then the remembered form goes through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { formAction, TestBrowser, type Reply } from '../../support/http-client.js';
import { completeMfa, verifyOn } from '../../support/mfa.js';
import { csrfOf } from '../../support/portal.js';
import { sessionIdOf } from '../../support/wire.js';

let demo: TestDemo;
before(async () => {
  demo = await startTestDemo();
});
after(() => demo.stop());

async function passwordOnly(username: string): Promise<{ browser: TestBrowser; page: Reply }> {
  const browser = new TestBrowser();
  const form = await browser.navigate(`${demo.url}/auth/login?idp=demo`);
  const page = await browser.postForm(formAction(form), { username, password: 'demo' });
  return { browser, page };
}

const me = (browser: TestBrowser) =>
  browser.request(`${demo.url}/api/v1/me`, { headers: { accept: 'application/json' } });
const sid = (browser: TestBrowser) =>
  sessionIdOf(browser.jar.get('localhost', 'jitgate_session') ?? '');

void describe('MFA at login', () => {
  void it('a first login lands on enrollment, signed in to nothing yet', async () => {
    const { browser, page } = await passwordOnly('carol');
    assert.equal(new URL(page.url).pathname, '/mfa/totp/enroll');
    assert.match(page.body, /id="totp-secret">[A-Z2-7]{32}</);
    assert.match(page.body, /<img\s+id="totp-qr"\s+src="data:image\/png;base64,/);
    assert.equal((await me(browser)).status, 401);
    assert.match((await browser.navigate(`${demo.url}/`)).body, /Sign in/);
    const app = await browser.request(`${demo.payrollOrigin}/`);
    assert.notEqual(app.status, 200);

    const pending = sid(browser);
    const home = await completeMfa(browser, page, demo.authenticator('carol'));
    assert.match(home.body, /<h1>My access<\/h1>/);
    assert.notEqual(sid(browser), pending, 'a new session id once MFA is done');
    assert.equal(await demo.jitgate.store.sessions.get(pending), undefined);
    assert.equal((await me(browser)).status, 200);
  });

  void it('the next login asks for a code, and a password alone cannot add a factor', async () => {
    const { browser, page } = await passwordOnly('carol');
    assert.equal(new URL(page.url).pathname, '/mfa/verify');
    assert.match(page.body, /Code from your authenticator app/);
    const enroll = await browser.navigate(`${demo.url}/mfa/totp/enroll`);
    assert.equal(new URL(enroll.url).pathname, '/mfa/verify', 'sent to verify, not to enroll');
    assert.doesNotMatch(enroll.body, /totp-secret/);
    assert.equal((await me(browser)).status, 401);

    const home = await completeMfa(browser, enroll, demo.authenticator('carol'));
    assert.match(home.body, /<h1>My access<\/h1>/);
    assert.match(home.body, /<a href="\/mfa"[^>]*>Security<\/a>/);
  });

  void it('the Security page lists the factor; removing it needs a fresh step-up', async () => {
    const browser = await demo.login('carol');
    const page = await browser.navigate(`${demo.url}/mfa`);
    assert.equal(page.status, 200);
    const factor = /data-factor="(mfa_[A-Za-z0-9_-]+)" data-type="totp"/.exec(page.body)?.[1];
    assert.ok(factor, 'the factor is listed');
    assert.match(page.body, /id="recovery-codes-left">\s*\d+ of 10 recovery codes left/);

    // Her step-up is an hour old: removal sends her to verify and keeps the form for later.
    const stored = await demo.jitgate.store.sessions.get(sid(browser));
    assert.ok(stored);
    const data = JSON.parse(stored.data) as { mfa: { at: number } };
    data.mfa.at -= 3_600_000;
    await demo.jitgate.store.sessions.update({ ...stored, data: JSON.stringify(data) }, Date.now());
    const remove = `${demo.url}/mfa/factors/${factor}/remove`;
    const verify = await browser.postForm(remove, { _csrf: csrfOf(page) });
    assert.equal(new URL(verify.url).pathname, '/mfa/verify');
    assert.equal((await demo.jitgate.audit.list({ code: 'mfa.removed', limit: 5 })).length, 0);

    // After the code, /mfa/resume holds the same form again (the portal script sends it).
    const resume = await verifyOn(browser, verify, demo.authenticator('carol'));
    assert.equal(new URL(resume.url).pathname, '/mfa/resume');
    assert.match(resume.body, new RegExp(`action="/mfa/factors/${factor}/remove" data-autosubmit`));
    const done = await browser.postForm(remove, { _csrf: csrfOf(resume) });
    assert.equal(new URL(done.url).pathname, '/mfa');
    assert.match(done.body, /Removed &quot;Authenticator app&quot;/);
    assert.match(done.body, /You have no second factor yet/);
    assert.match(done.body, /0 of 10 recovery codes left/);
    const [removed] = await demo.jitgate.audit.list({ code: 'mfa.removed', limit: 5 });
    assert.equal(removed?.actor, 'demo:carol');
  });
});
