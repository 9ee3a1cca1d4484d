/**
 * Vendors sign in through their own identity provider and are vendors to policy: the chooser
 * offers both IdPs, vic comes back as kind "vendor" from the vendor IdP, and the staff IdP does
 * not know him.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { formAction, TestBrowser } from '../../support/http-client.js';

void describe('vendor identity provider', () => {
  let demo: TestDemo;

  before(async () => {
    demo = await startTestDemo();
  });

  after(async () => {
    await demo?.stop();
  });

  void it('offers a chooser naming both IdPs when none is given', async () => {
    const chooser = await new TestBrowser().navigate(`${demo.url}/auth/login?rd=%2Fhistory`);
    assert.equal(chooser.status, 200);
    assert.match(chooser.body, /Sign in with jitgate demo IdP/);
    assert.match(chooser.body, /Sign in with Demo vendor IdP/);
    assert.match(chooser.body, /href="\/auth\/login\?idp=vendors&rd=%2Fhistory"/);
  });

  void it('signs vic in as a vendor from the vendor IdP', async () => {
    const browser = await demo.login('vic');
    const me = await browser.request(`${demo.url}/api/v1/me`, {
      headers: { accept: 'application/json' },
    });
    const { user } = JSON.parse(me.body) as {
      user: { id: string; kind: string; idp: string; groups: string[] };
    };
    assert.equal(user.id, 'vendors:vic');
    assert.equal(user.idp, 'vendors');
    assert.equal(user.kind, 'vendor');
    assert.deepEqual(user.groups, ['vendors']);
  });

  void it('the staff IdP does not know vic', async () => {
    const browser = new TestBrowser();
    const form = await browser.navigate(`${demo.url}/auth/login?idp=demo`);
    const refused = await browser.postForm(formAction(form), { username: 'vic', password: 'demo' });
    assert.equal(refused.status, 401);
    assert.match(refused.body, /Invalid username or password/);
  });
});
