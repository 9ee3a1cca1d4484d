// SAML sign-in on PostgreSQL, with two jitgate replicas on one database behind one public URL:
// a login started at one replica finishes at the other, its AuthnRequest is used up there, the
// assertion is refused at the first replica afterwards, and of one answer posted to both at once
// exactly one signs in. Both publish the one SAML key the store holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { TestBrowser, type Reply } from '../../support/http-client.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import {
  answerXml,
  base64,
  requestIdOf,
  sign,
  type AnswerFor,
  corpTestIdp,
} from '../../support/saml-forge.js';
import { startSamlProxy, type SamlProxy } from '../../support/saml-proxy.js';

const idp = corpTestIdp();

let pg: TestPostgres;
let proxy: SamlProxy;
/** The second replica's origin (same public URL; the load balancer picked this one). */
let other: string;

before(async () => {
  pg = await startTestPostgres();
  proxy = await startSamlProxy({
    postgresUrl: await pg.createDatabase(),
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
  other = `http://localhost:${(await proxy.replica()).port}`;
});
after(async () => {
  await proxy?.stop();
  await pg?.stop();
});

async function started(origin: string, browser = new TestBrowser()) {
  const reply = await browser.request(`${origin}/auth/login?idp=corp&rd=%2Fhistory`);
  assert.equal(reply.status, 302, reply.body);
  const to: AnswerFor = {
    idp,
    acsUrl: proxy.acsUrl('corp'),
    spEntityId: proxy.spEntityId('corp'),
    inResponseTo: requestIdOf(reply.headers.location ?? ''),
  };
  return { browser, to };
}

function post(browser: TestBrowser, origin: string, xml: string): Promise<Reply> {
  const body = new URLSearchParams({ SAMLResponse: base64(xml) }).toString();
  return browser.request(`${origin}/auth/saml/corp/acs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  });
}

const errorOf = (reply: Reply) => reply.headers['x-jitgate-error'];

void describe('SAML on PostgreSQL, two replicas', () => {
  void it('finishes at one replica a login started at the other, once', async () => {
    const { browser, to } = await started(proxy.url);
    const xml = sign(answerXml(to), idp.key);
    const signedIn = await post(browser, other, xml);
    assert.equal(signedIn.status, 303, signedIn.body.slice(0, 400));
    assert.equal(signedIn.headers.location, '/history');
    assert.equal(errorOf(await post(browser, proxy.url, xml)), 'saml_replayed');
    // A fresh answer to the same request: the request was used up at the other replica.
    const again = await post(browser, proxy.url, sign(answerXml(to), idp.key));
    assert.equal(errorOf(again), 'saml_unknown_request');
  });

  void it('lets exactly one of one answer posted to both replicas at once sign in', async () => {
    const { browser, to } = await started(other);
    const xml = sign(answerXml(to), idp.key);
    const replies = await Promise.all([post(browser, proxy.url, xml), post(browser, other, xml)]);
    assert.deepEqual(replies.map((r) => r.status).sort(), [303, 401]);
    assert.equal(errorOf(replies.find((r) => r.status === 401) as Reply), 'saml_replayed');
  });

  void it('publishes the one SAML key the store holds from both replicas', async () => {
    const certificate = async (origin: string) =>
      (await new TestBrowser().request(`${origin}/auth/saml/corp/metadata`)).body.match(
        /<ds:X509Certificate>([^<]+)</,
      )?.[1];
    const first = await certificate(proxy.url);
    assert.ok(first);
    assert.equal(await certificate(other), first);
  });
});
