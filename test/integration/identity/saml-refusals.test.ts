// The SAML assertion consumer against crafted answers. Each refusal is a clear error page with
// its code and an audited auth.login_failed with that code as reason: unsigned (assertion or
// response, per config), tampered, signed by another key, XML signature wrapping (four shapes),
// a comment or a DTD entity in the NameID (CVE-2017-11427), wrong Destination, Recipient,
// Audience or Issuer, expired and not yet valid, an IdP error status, an InResponseTo this
// browser did not start, unsolicited answers, and any answer used twice — also when two arrive
// at once, and across two replicas on one database. What is accepted ends in a session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { TestBrowser, type Reply } from '../../support/http-client.js';
import {
  answerXml,
  base64,
  commentInNameId,
  duplicateId,
  requestIdOf,
  sign,
  signatureOnEvil,
  tamper,
  testSigningKey,
  wrapBeside,
  wrapInExtensions,
  type AnswerFor,
  corpTestIdp,
} from '../../support/saml-forge.js';
import { startSamlProxy, type SamlProxy } from '../../support/saml-proxy.js';

const idp = corpTestIdp();
const stranger = testSigningKey('someone else');

let proxy: SamlProxy;
before(async () => {
  const facts = {
    type: 'saml' as const,
    entityId: idp.entityId,
    ssoUrl: idp.ssoUrl,
    certificates: [idp.key.certificatePem],
    groupMap: { Finance: ['payroll-users'] },
  };
  proxy = await startSamlProxy({
    identityProviders: () => [
      { id: 'corp', ...facts },
      { id: 'strict', ...facts, wantResponseSigned: true },
      { id: 'portal', ...facts, allowIdpInitiated: true },
    ],
  });
});
after(() => proxy.stop());

/** A login this browser started at jitgate: the AuthnRequest's ID and the answer's addressing. */
async function started(idpId = 'corp', browser = new TestBrowser()) {
  const reply = await browser.request(`${proxy.url}/auth/login?idp=${idpId}&rd=%2Fhistory`);
  assert.equal(reply.status, 302, reply.body);
  const to: AnswerFor = {
    idp,
    acsUrl: proxy.acsUrl(idpId),
    spEntityId: proxy.spEntityId(idpId),
    inResponseTo: requestIdOf(reply.headers.location ?? ''),
  };
  return { browser, to, redirect: reply };
}

/** Posts an answer to the ACS as the IdP's auto-submitting form would. */
function post(
  browser: TestBrowser,
  idpId: string,
  xml: string,
  extra: Record<string, string> = {},
  origin = proxy.url,
): Promise<Reply> {
  const body = new URLSearchParams({ SAMLResponse: base64(xml), ...extra }).toString();
  return browser.request(`${origin}/auth/saml/${idpId}/acs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  });
}

async function lastFailure() {
  const [event] = await proxy.jitgate.audit.list({
    code: 'auth.login_failed',
    order: 'desc',
    limit: 1,
  });
  return event;
}

/** A refusal: status, code, a readable page that names the code, and the audited reason. */
async function assertRefused(reply: Reply, status: number, code: string, idpId = 'corp') {
  assert.equal(reply.status, status, reply.body.slice(0, 400));
  assert.equal(reply.headers['x-jitgate-error'], code);
  assert.match(String(reply.headers['content-type']), /text\/html/);
  assert.match(reply.body, /<h1>Something is not right<\/h1>/);
  assert.match(reply.body, new RegExp(`<code>${code}</code>`));
  assert.match(reply.body, /Please sign in again/);
  const event = await lastFailure();
  assert.equal(event?.reason, code);
  assert.equal(event?.target, idpId);
  assert.equal(event?.actor, 'anonymous');
}

function assertSignedIn(reply: Reply, to = '/history') {
  assert.equal(reply.status, 303, reply.body.slice(0, 400));
  assert.equal(reply.headers.location, to);
}

const me = (browser: TestBrowser) =>
  browser.request(`${proxy.url}/api/v1/me`, {
    headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
  });

void describe('SAML: what is accepted', () => {
  void it('publishes SP metadata: entity ID, the ACS it names, the signing certificate', async () => {
    const reply = await new TestBrowser().request(`${proxy.url}/auth/saml/corp/metadata`);
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers['content-type']), /application\/samlmetadata\+xml/);
    assert.match(reply.body, new RegExp(`entityID="${proxy.spEntityId('corp')}"`));
    assert.match(
      reply.body,
      new RegExp(
        `<AssertionConsumerService[^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${proxy.acsUrl('corp')}"`,
      ),
    );
    assert.match(reply.body, /AuthnRequestsSigned="true"/);
    assert.match(reply.body, /WantAssertionsSigned="true"/);
    assert.match(reply.body, /<ds:X509Certificate>[A-Za-z0-9+/=\s]{100,}<\/ds:X509Certificate>/);
    const unknown = await new TestBrowser().request(`${proxy.url}/auth/saml/nope/metadata`);
    assert.equal(unknown.status, 404);
  });

  void it('binds the login to this browser with an HttpOnly cookie', async () => {
    const { redirect, to } = await started();
    const line = (redirect.headers['set-cookie'] ?? []).find((c) =>
      c.startsWith('jitgate_session_saml='),
    );
    assert.ok(line, 'a browser-binding cookie');
    assert.match(line, /; Path=\/;/); // as a __Host- cookie must on https (cookie-names.ts)
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i); // plain http; https gets SameSite=None; Secure
    assert.ok(redirect.headers.location?.startsWith(`${idp.ssoUrl}?SAMLRequest=`));
    assert.match(redirect.headers.location ?? '', /&SigAlg=.*rsa-sha256&Signature=/);
    assert.match(to.inResponseTo ?? '', /^_[0-9a-f]{40}$/);
  });

  void it('signs the person in from a signed answer to a request this browser started', async () => {
    const { browser, to } = await started();
    assertSignedIn(await post(browser, 'corp', sign(answerXml(to), idp.key)));
    const reply = await me(browser);
    assert.equal(reply.status, 200);
    const { user } = JSON.parse(reply.body) as { user: Record<string, unknown> };
    assert.equal(user.id, 'corp:alice');
    assert.equal(user.email, 'alice@corp.test');
    assert.deepEqual(user.groups, ['payroll-users']);
  });

  void it('accepts IdP-initiated answers where allowed, with a RelayState kept to safe targets', async () => {
    const to = { idp, acsUrl: proxy.acsUrl('portal'), spEntityId: proxy.spEntityId('portal') };
    const first = new TestBrowser();
    assertSignedIn(
      await post(first, 'portal', sign(answerXml(to), idp.key), { RelayState: '/history' }),
    );
    assert.equal((await me(first)).status, 200);
    const evil = { RelayState: 'https://evil.example/' };
    assertSignedIn(
      await post(new TestBrowser(), 'portal', sign(answerXml(to), idp.key), evil),
      '/',
    );
  });
});

void describe('SAML: signatures', () => {
  void it('refuses an answer with no signature at all', async () => {
    const { browser, to } = await started();
    await assertRefused(await post(browser, 'corp', answerXml(to)), 401, 'saml_unsigned');
  });

  void it('refuses a signed response around an unsigned assertion when assertions must be signed', async () => {
    const { browser, to } = await started();
    const xml = sign(answerXml(to), idp.key, { assertion: false, response: true });
    await assertRefused(await post(browser, 'corp', xml), 401, 'saml_unsigned');
  });

  void it('refuses an unsigned response where responses must be signed too', async () => {
    const { browser, to } = await started('strict');
    const xml = sign(answerXml(to), idp.key, { assertion: true, response: false });
    await assertRefused(await post(browser, 'strict', xml), 401, 'saml_unsigned', 'strict');
    const { browser: again, to: next } = await started('strict');
    const both = sign(answerXml(next), idp.key, { assertion: true, response: true });
    assertSignedIn(await post(again, 'strict', both));
  });

  void it('refuses an answer changed after signing', async () => {
    const { browser, to } = await started();
    const xml = tamper(sign(answerXml(to), idp.key));
    await assertRefused(await post(browser, 'corp', xml), 401, 'saml_bad_signature');
  });

  void it('refuses an answer signed by another key (its certificate in KeyInfo or not)', async () => {
    const { browser, to } = await started();
    await assertRefused(
      await post(browser, 'corp', sign(answerXml(to), stranger)),
      401,
      'saml_bad_signature',
    );
    const { browser: both, to: next } = await started('strict');
    const all = sign(answerXml(next), stranger, { assertion: true, response: true });
    await assertRefused(await post(both, 'strict', all), 401, 'saml_bad_signature', 'strict');
  });

  for (const [shape, wrap] of [
    ['an evil assertion beside the signed one', wrapBeside],
    ['the signed assertion hidden in Extensions', wrapInExtensions],
    ['the signature moved onto an evil assertion', signatureOnEvil],
    ['a decoy element with the signed ID', duplicateId],
  ] as const) {
    void it(`refuses XML signature wrapping: ${shape}`, async () => {
      const { browser, to } = await started();
      const xml = wrap(sign(answerXml(to), idp.key));
      await assertRefused(await post(browser, 'corp', xml), 401, 'saml_signature_wrapping');
      assert.equal((await me(browser)).status, 401);
    });
  }
});

void describe('SAML: the NameID', () => {
  void it('refuses a comment in the NameID (the signature still verifies without it)', async () => {
    const { browser, to } = await started();
    const nameId = 'alice@corp.test.evil.example';
    const xml = commentInNameId(sign(answerXml({ ...to, nameId }), idp.key), nameId);
    assert.match(xml, /alice@corp<!---->\.test\.evil\.example</);
    await assertRefused(await post(browser, 'corp', xml), 401, 'saml_nameid_markup');
  });

  void it('refuses a DTD, and with it entities in the NameID', async () => {
    const { browser, to } = await started();
    const signed = sign(answerXml(to), idp.key);
    const xml =
      '<!DOCTYPE r [<!ENTITY who "alice">]>' +
      signed.replace('>alice</saml:NameID>', '>&who;</saml:NameID>');
    await assertRefused(await post(browser, 'corp', xml), 400, 'saml_malformed');
  });
});

void describe('SAML: addressing and time', () => {
  void it('refuses an answer for another audience', async () => {
    const { browser, to } = await started();
    const xml = sign(answerXml(to, { audience: 'https://other-sp.example/' }), idp.key);
    await assertRefused(await post(browser, 'corp', xml), 401, 'saml_wrong_audience');
  });

  void it('refuses an answer whose Recipient or Destination is another ACS', async () => {
    const other = 'https://other-sp.example/acs';
    const { browser, to } = await started();
    const recipient = sign(answerXml(to, { recipient: other }), idp.key);
    await assertRefused(await post(browser, 'corp', recipient), 401, 'saml_wrong_destination');
    const { browser: next, to: again } = await started();
    const destination = sign(answerXml({ ...again, acsUrl: other }), idp.key);
    await assertRefused(await post(next, 'corp', destination), 401, 'saml_wrong_destination');
  });

  void it('refuses an answer from another issuer, even signed with the right key', async () => {
    const { browser, to } = await started();
    const xml = sign(answerXml(to, { issuer: 'https://idp.other.test/' }), idp.key);
    await assertRefused(await post(browser, 'corp', xml), 401, 'saml_wrong_issuer');
  });

  void it('refuses an expired answer and one not valid yet (beyond the clock skew)', async () => {
    const hour = 3_600_000;
    const { browser, to } = await started();
    const expired = answerXml(to, { issuedAt: new Date(Date.now() - hour) });
    await assertRefused(await post(browser, 'corp', sign(expired, idp.key)), 401, 'saml_expired');
    const { browser: next, to: again } = await started();
    const early = answerXml(again, { issuedAt: new Date(Date.now() + hour) });
    await assertRefused(await post(next, 'corp', sign(early, idp.key)), 401, 'saml_not_yet_valid');
  });

  void it("shows the IdP's own refusal as one", async () => {
    const { browser, to } = await started();
    const xml = answerXml(to).replace(
      '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>',
      '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>',
    );
    const reply = await post(browser, 'corp', xml);
    await assertRefused(reply, 401, 'saml_idp_refused');
    assert.match(reply.body, /did not sign you in \(AuthnFailed\)/);
  });

  void it('refuses what is not a SAML response, and an ACS of no IdP', async () => {
    const browser = new TestBrowser();
    await assertRefused(await post(browser, 'corp', '<html/>'), 400, 'saml_malformed');
    const notXml = await browser.request(`${proxy.url}/auth/saml/corp/acs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '17' },
      body: 'SAMLResponse=%%%%',
    });
    assert.equal(notXml.status, 400);
    const { to } = await started();
    const unknown = await post(browser, 'nope', sign(answerXml(to), idp.key));
    assert.equal(unknown.status, 404);
    assert.equal((await lastFailure())?.reason, 'unknown_idp');
  });
});

void describe('SAML: solicited, once', () => {
  void it('refuses an InResponseTo that names no request', async () => {
    const { browser, to } = await started();
    const xml = sign(answerXml({ ...to, inResponseTo: '_not-a-request-of-ours' }), idp.key);
    await assertRefused(await post(browser, 'corp', xml), 401, 'saml_unknown_request');
  });

  void it('refuses an answer to a request another browser started; that browser keeps it', async () => {
    const victim = await started();
    const xml = sign(answerXml(victim.to), idp.key);
    await assertRefused(await post(new TestBrowser(), 'corp', xml), 401, 'saml_unknown_request');
    // A fresh answer (the first one's ID is spent) still signs the victim in.
    assertSignedIn(await post(victim.browser, 'corp', sign(answerXml(victim.to), idp.key)));
  });

  void it('refuses an unsolicited answer from an IdP that may not start logins', async () => {
    const to = { idp, acsUrl: proxy.acsUrl('corp'), spEntityId: proxy.spEntityId('corp') };
    await assertRefused(
      await post(new TestBrowser(), 'corp', sign(answerXml(to), idp.key)),
      401,
      'saml_unsolicited',
    );
  });

  void it('refuses an answer used twice, solicited or not', async () => {
    const { browser, to } = await started();
    const xml = sign(answerXml(to), idp.key);
    assertSignedIn(await post(browser, 'corp', xml));
    await assertRefused(await post(browser, 'corp', xml), 401, 'saml_replayed');
    const portal = { idp, acsUrl: proxy.acsUrl('portal'), spEntityId: proxy.spEntityId('portal') };
    const unsolicited = sign(answerXml(portal), idp.key);
    assertSignedIn(await post(new TestBrowser(), 'portal', unsolicited), '/');
    await assertRefused(
      await post(new TestBrowser(), 'portal', unsolicited),
      401,
      'saml_replayed',
      'portal',
    );
  });

  void it('lets exactly one of two simultaneous posts of one answer sign in', async () => {
    const { browser, to } = await started();
    const xml = sign(answerXml(to), idp.key);
    const replies = await Promise.all([post(browser, 'corp', xml), post(browser, 'corp', xml)]);
    assert.deepEqual(replies.map((r) => r.status).sort(), [303, 401]);
    const refused = replies.find((r) => r.status === 401);
    assert.equal(refused?.headers['x-jitgate-error'], 'saml_replayed');
  });

  void it('finishes at one replica a login started at another, and refuses it at the first after', async () => {
    const replica = await proxy.replica();
    const { browser, to } = await started();
    const xml = sign(answerXml(to), idp.key);
    // The public URL stays the same; the load balancer sent this post to the other replica.
    const atReplica = await post(browser, 'corp', xml, {}, `http://localhost:${replica.port}`);
    assertSignedIn(atReplica);
    const again = await post(browser, 'corp', xml);
    assert.equal(again.headers['x-jitgate-error'], 'saml_replayed');
    // Both replicas sign AuthnRequests with the one key in the store.
    const metadata = async (port: number) =>
      (
        await new TestBrowser().request(`http://localhost:${port}/auth/saml/corp/metadata`)
      ).body.match(/<ds:X509Certificate>([^<]+)</)?.[1];
    assert.equal(await metadata(replica.port), await metadata(Number(new URL(proxy.url).port)));
  });
});
