// A signature on a SAML response counts only once it verifies, even where the config does not
// require one. An answer whose signed assertion names no request (IdP-initiated) must not become
// the answer to this browser's login through an InResponseTo on the response that a signature
// by an unknown key pretends to cover (the IdP may not start logins here): it is refused as a
// bad signature. The same answer with the IdP's own response signature is accepted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { TestBrowser, type Reply } from '../../support/http-client.js';
import {
  answerXml,
  base64,
  requestIdOf,
  sign,
  testSigningKey,
  corpTestIdp,
} from '../../support/saml-forge.js';
import { startSamlProxy, type SamlProxy } from '../../support/saml-proxy.js';

const idp = corpTestIdp();
const stranger = testSigningKey('someone else');

let proxy: SamlProxy;
before(async () => {
  proxy = await startSamlProxy({
    identityProviders: () => [
      {
        id: 'corp',
        type: 'saml' as const,
        entityId: idp.entityId,
        ssoUrl: idp.ssoUrl,
        certificates: [idp.key.certificatePem],
      },
    ],
  });
});
after(() => proxy.stop());

function post(browser: TestBrowser, xml: string): Promise<Reply> {
  const body = new URLSearchParams({ SAMLResponse: base64(xml) }).toString();
  return browser.request(`${proxy.url}/auth/saml/corp/acs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  });
}

/** A login started in a new browser, and an IdP-initiated answer (signed assertion) for it. */
async function unsolicitedAnswerClaimingTheRequest() {
  const browser = new TestBrowser();
  const started = await browser.request(`${proxy.url}/auth/login?idp=corp&rd=%2Fhistory`);
  const requestId = requestIdOf(started.headers.location ?? '');
  const to = { idp, acsUrl: proxy.acsUrl('corp'), spEntityId: proxy.spEntityId('corp') };
  const signedAssertion = sign(answerXml(to), idp.key);
  const xml = signedAssertion.replace(
    '<samlp:Response ',
    `<samlp:Response InResponseTo="${requestId}" `,
  );
  return { browser, xml };
}

void describe('SAML: a response signature that does not verify', () => {
  void it('is refused, and lends the response’s InResponseTo nothing', async () => {
    const { browser, xml } = await unsolicitedAnswerClaimingTheRequest();
    const reply = await post(browser, sign(xml, stranger, { assertion: false, response: true }));
    assert.equal(reply.status, 401, reply.body.slice(0, 400));
    assert.equal(reply.headers['x-jitgate-error'], 'saml_bad_signature');
  });

  void it('the IdP’s own response signature makes it the answer to the login', async () => {
    const { browser, xml } = await unsolicitedAnswerClaimingTheRequest();
    const reply = await post(browser, sign(xml, idp.key, { assertion: false, response: true }));
    assert.equal(reply.status, 303, reply.body.slice(0, 400));
    assert.equal(reply.headers.location, '/history');
  });
});
