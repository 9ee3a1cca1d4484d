// The demo's SAML IdP as `npm start` runs it: "Demo SAML IdP" on the sign-in chooser, its
// metadata, a full SP-initiated login of a demo user through its form to jitgate's session (with
// jitgate's own MFA after it, the groups from the assertion), and its refusals (bad password,
// requests from a service provider it does not know).
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { DEMO_SAML_IDP } from '../../../proxy/demo/demo-config.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { formAction, TestBrowser } from '../../support/http-client.js';
import { completeMfa } from '../../support/mfa.js';
import { hiddenFields, postBindingOf, submitPostBinding } from '../../support/saml-browser.js';

let demo: TestDemo;
before(async () => {
  demo = await startTestDemo();
});
after(() => demo.stop());

const idpUrl = () => `${demo.url}${DEMO_SAML_IDP.path}`;

void describe('the demo SAML IdP', () => {
  void it('is on the sign-in chooser', async () => {
    const chooser = await new TestBrowser().navigate(`${demo.url}/auth/login`);
    assert.match(chooser.body, /Sign in with Demo SAML IdP/);
    assert.match(chooser.body, /href="\/auth\/login\?idp=demo-saml&rd=/);
  });

  void it('publishes metadata with its SSO URL and signing certificate', async () => {
    const reply = await new TestBrowser().request(`${idpUrl()}/metadata`);
    assert.equal(reply.status, 200);
    assert.match(reply.body, /<md:IDPSSODescriptor/);
    assert.match(reply.body, /Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"/);
    assert.match(reply.body, /<ds:X509Certificate>[A-Za-z0-9+/=]{100,}</);
  });

  void it('signs a demo user in: jitgate session, groups from the assertion, MFA after', async () => {
    const browser = new TestBrowser();
    const form = await browser.navigate(`${demo.url}/auth/login?idp=demo-saml`);
    assert.equal(form.status, 200, form.body);
    assert.ok(form.url.startsWith(`${idpUrl()}/sso?SAMLRequest=`), form.url);
    assert.match(form.body, /Demo SAML IdP/);
    const binding = await browser.postForm(formAction(form), {
      ...hiddenFields(form),
      username: 'bob',
      password: 'demo',
    });
    const { acs } = postBindingOf(binding);
    assert.equal(acs, `${demo.url}/auth/saml/demo-saml/acs`);
    const atMfa = await submitPostBinding(browser, binding);
    // The demo asks for a second factor at every login, SAML ones too.
    assert.equal(new URL(atMfa.url).pathname, '/mfa/totp/enroll');
    const home = await completeMfa(browser, atMfa, demo.authenticator('saml-bob'));
    assert.match(home.body, /My access/);
    const me = await browser.request(`${demo.url}/api/v1/me`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    const { user } = JSON.parse(me.body) as {
      user: { id: string; username: string; email: string; groups: string[]; kind: string };
    };
    assert.deepEqual(
      { ...user },
      {
        ...user,
        id: 'demo-saml:bob',
        username: 'bob',
        email: 'bob@demo.jitgate.test',
        groups: ['approvers', 'staff'],
        kind: 'person',
      },
    );
  });

  void it('refuses a wrong password on its own form', async () => {
    const browser = new TestBrowser();
    const form = await browser.navigate(`${demo.url}/auth/login?idp=demo-saml`);
    const again = await browser.postForm(formAction(form), {
      ...hiddenFields(form),
      username: 'alice',
      password: 'nope',
    });
    assert.equal(again.status, 401);
    assert.match(again.body, /Invalid username or password/);
    assert.doesNotMatch(again.body, /SAMLResponse/);
  });

  void it('answers no service provider but jitgate', async () => {
    const request =
      '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"' +
      ' ID="_x1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" AssertionConsumerServiceURL="https://evil.example/acs">' +
      '<saml:Issuer>https://evil.example/sp</saml:Issuer></samlp:AuthnRequest>';
    const encoded = encodeURIComponent(deflateRawSync(request).toString('base64'));
    const reply = await new TestBrowser().request(`${idpUrl()}/sso?SAMLRequest=${encoded}`);
    assert.equal(reply.status, 403);
    assert.match(reply.body, /not registered/);
  });
});
