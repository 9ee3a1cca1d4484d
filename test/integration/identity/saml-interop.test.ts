// SAML 2.0 against an identity provider nobody here wrote: pysaml2 (Debian's python3-pysaml2 with
// xmlsec1) on loopback. jitgate reads its metadata, sends it a signed AuthnRequest (pysaml2
// checks the signature against jitgate's SP metadata), takes its signed answer at the ACS and
// ends in a jitgate session with the person's identity and mapped groups; then jitgate's own
// MFA and policy decide, as after an OIDC login. The IdP's refusal (a bad password) never
// reaches jitgate; a second answer to the same request is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { call } from '../access/api-client.js';
import { TestBrowser, formAction, type Reply } from '../../support/http-client.js';
import { TestAuthenticator, completeMfa } from '../../support/mfa.js';
import { startPysaml2Idp, type Pysaml2Idp } from '../../support/pysaml2-idp.js';
import { hiddenFields, postBindingOf } from '../../support/saml-browser.js';
import { startSamlProxy, type SamlProxy } from '../../support/saml-proxy.js';

const IDP = 'corp-saml';
const OID = {
  mail: 'urn:oid:0.9.2342.19200300.100.1.3',
  isMemberOf: 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
};

let proxy: SamlProxy;
let idp: Pysaml2Idp | undefined;

before(async () => {
  proxy = await startSamlProxy({
    async beforeStart(origin) {
      idp = await startPysaml2Idp({
        spMetadataUrl: `${origin}/auth/saml/${IDP}/metadata`,
        users: [
          {
            username: 'frank',
            password: 'pw-frank',
            mail: 'frank@corp.test',
            displayName: 'Frank Finance',
            groups: ['Finance', 'Everyone'],
          },
          {
            username: 'gina',
            password: 'pw-gina',
            mail: 'gina@corp.test',
            displayName: 'Gina Sales',
            groups: ['Sales'],
          },
        ],
      });
    },
    identityProviders: () => [
      {
        id: IDP,
        type: 'saml',
        name: 'Corp (pysaml2)',
        metadataUrl: idp?.metadataUrl ?? '',
        allowInsecureRequests: true,
        wantResponseSigned: true,
        nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
        // pysaml2 names attributes by OID with a FriendlyName: either finds them.
        attributes: {
          username: 'uid',
          email: OID.mail,
          name: 'displayName',
          groups: OID.isMemberOf,
        },
        groupMap: { Finance: ['payroll-users'] },
      },
    ],
    resources: [
      { id: 'payroll', kind: 'web', host: 'payroll.localhost', upstream: 'http://127.0.0.1:9' },
    ],
    policies: [
      {
        id: 'finance-payroll',
        resources: ['payroll'],
        subjects: { groups: ['payroll-users'] },
        approval: { groups: ['approvers'] },
      },
    ],
    mfaAtLogin: true,
  });
});
after(async () => {
  await proxy?.stop();
  await idp?.close();
});

/** Through jitgate's redirect to pysaml2's login form, submitted; returns its POST binding page. */
async function atIdp(browser: TestBrowser, username: string, password: string): Promise<Reply> {
  const form = await browser.navigate(`${proxy.url}/auth/login?idp=${IDP}&rd=/history`);
  assert.equal(form.status, 200, `${form.url}: ${form.body} ${idp?.stderr() ?? ''}`);
  assert.ok(form.url.startsWith(`${idp?.url}/sso/redirect?SAMLRequest=`), form.url);
  // jitgate signed the request (pysaml2 would have answered 403 otherwise).
  assert.match(form.url, /&SigAlg=.*&Signature=/);
  return browser.postForm(formAction(form), { ...hiddenFields(form), username, password });
}

const me = async (browser: TestBrowser) =>
  (await call(browser, proxy.url, 'GET', '/api/v1/me')).json.user as {
    id: string;
    username: string;
    email: string;
    name: string;
    groups: string[];
  };

void describe('SAML login through pysaml2', () => {
  const frank = new TestAuthenticator();
  let frankBrowser: TestBrowser;
  let binding: Reply;

  void it("reads pysaml2's metadata and sends it a request it verifies", async () => {
    frankBrowser = new TestBrowser();
    binding = await atIdp(frankBrowser, 'frank', 'pw-frank');
    assert.equal(binding.status, 200, binding.body + (idp?.stderr() ?? ''));
    assert.equal(postBindingOf(binding).acs, proxy.acsUrl(IDP));
  });

  void it('signs frank in with his identity and mapped groups, then asks for MFA', async () => {
    const { acs, fields } = postBindingOf(binding);
    const atMfa = await frankBrowser.postForm(acs, fields);
    assert.equal(new URL(atMfa.url).pathname, '/mfa/totp/enroll', atMfa.body.slice(0, 300));
    const landed = await completeMfa(frankBrowser, atMfa, frank);
    assert.equal(new URL(landed.url).pathname, '/history');
    const user = await me(frankBrowser);
    assert.equal(user.id, `${IDP}:frank`);
    assert.equal(user.username, 'frank');
    assert.equal(user.email, 'frank@corp.test');
    assert.equal(user.name, 'Frank Finance');
    assert.deepEqual(user.groups, ['payroll-users']);
    const [login] = await proxy.jitgate.audit.list({
      code: 'auth.login',
      actor: `${IDP}:frank`,
      limit: 10,
    });
    assert.deepEqual(login?.data, { username: 'frank', kind: 'person', groups: ['payroll-users'] });
  });

  void it("then jitgate's policy decides: frank may ask for payroll, gina may not", async () => {
    const asked = await call(frankBrowser, proxy.url, 'POST', '/api/v1/requests', {
      resource: 'payroll',
      duration: '30m',
      reason: 'month end',
    });
    assert.equal(asked.status, 201, asked.body);

    const gina = new TestBrowser();
    const ginaBinding = await atIdp(gina, 'gina', 'pw-gina');
    const { acs, fields } = postBindingOf(ginaBinding);
    await completeMfa(gina, await gina.postForm(acs, fields), new TestAuthenticator());
    assert.deepEqual((await me(gina)).groups, []);
    const refused = await call(gina, proxy.url, 'POST', '/api/v1/requests', {
      resource: 'payroll',
      duration: '30m',
      reason: 'curious',
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error?.code, 'policy_denied');
  });

  void it("refuses pysaml2's answer a second time", async () => {
    const { acs, fields } = postBindingOf(binding);
    const again = await frankBrowser.postForm(acs, fields);
    assert.equal(again.status, 401);
    assert.equal(again.headers['x-jitgate-error'], 'saml_replayed');
    assert.match(again.body, /This answer was already used/);
  });

  void it('never hears of a password pysaml2 refused', async () => {
    const failed = await atIdp(new TestBrowser(), 'frank', 'wrong');
    assert.equal(failed.status, 401);
    assert.doesNotMatch(failed.body, /SAMLResponse/);
  });
});
