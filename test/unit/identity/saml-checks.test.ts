// jitgate's own checks on a verified SAML assertion, on an injected clock: the Issuer, a NameID of
// plain text, a bearer confirmation addressed to this ACS whose window holds now (with the clock
// skew on both ends, NotOnOrAfter required), and what the login keeps: the request answered and
// how long to remember the assertion. And the outline checks: signatures required, Destination.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAssertion, checkOutline } from '../../../proxy/identity/saml-checks.js';
import type { SignedAssertion } from '../../../proxy/identity/saml-sp.js';
import { JitgateError } from '../../../proxy/shared/errors.js';

const ACS = 'https://access.example.com/auth/saml/corp/acs';
const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (ms: number) => new Date(T + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const expect = {
  idpEntityId: 'https://idp.example.com',
  acsUrl: ACS,
  wantAssertionsSigned: true,
  wantResponseSigned: false,
  clockSkewMs: 60_000,
};

const assertion = (overrides: Partial<SignedAssertion> = {}): SignedAssertion => ({
  id: '_a1',
  issuer: expect.idpEntityId,
  nameId: 'alice',
  nameIdFormat: null,
  sessionIndex: null,
  confirmations: [
    {
      method: 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
      recipient: ACS,
      notBefore: null,
      notOnOrAfter: at(5 * 60_000),
      inResponseTo: '_req',
    },
  ],
  attributes: [],
  ...overrides,
});

const confirmation = (overrides: Partial<SignedAssertion['confirmations'][number]>) =>
  assertion({ confirmations: [{ ...assertion().confirmations[0]!, ...overrides }] });

function refused(work: () => unknown, code: string) {
  assert.throws(work, (error) => error instanceof JitgateError && error.code === code);
}

void describe('checkAssertion', () => {
  void test('keeps the NameID, the request answered and when the assertion stops being usable', () => {
    assert.deepEqual(checkAssertion(assertion(), expect, T), {
      id: '_a1',
      nameId: 'alice',
      inResponseTo: '_req',
      usableUntil: T + 5 * 60_000 + 60_000,
    });
  });

  void test('is remembered until the last of its confirmations could still be used', () => {
    // A replay after the first window ends would be accepted through the second one: the ID must
    // stay remembered (not purged) until then.
    const [first] = assertion().confirmations;
    const twoWindows = assertion({
      confirmations: [first!, { ...first!, notOnOrAfter: at(60 * 60_000), inResponseTo: null }],
    });
    assert.equal(checkAssertion(twoWindows, expect, T).usableUntil, T + 60 * 60_000 + 60_000);
    assert.ok(checkAssertion(twoWindows, expect, T + 30 * 60_000), 'the second window holds');
  });

  void test('holds until NotOnOrAfter plus the skew, not a moment longer', () => {
    const end = T + 5 * 60_000;
    assert.ok(checkAssertion(assertion(), expect, end + 59_999));
    refused(() => checkAssertion(assertion(), expect, end + 60_000), 'saml_expired');
  });

  void test('is not valid before NotBefore minus the skew', () => {
    const early = confirmation({ notBefore: at(2 * 60_000) });
    refused(() => checkAssertion(early, expect, T + 59_999), 'saml_not_yet_valid');
    assert.ok(checkAssertion(early, expect, T + 60_000));
  });

  void test('refuses a transient NameID: it names a session, not a person', () => {
    // A new id at every login would be a new jitgate account with no second factor, which its
    // holder may enroll without a step-up: a password alone would pass MFA.
    const transient = assertion({
      nameId: '_9f3c2a7e1b',
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    });
    refused(() => checkAssertion(transient, expect, T), 'saml_transient_nameid');
    const persistent = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
    assert.ok(checkAssertion(assertion({ nameIdFormat: persistent }), expect, T));
  });

  void test('needs a bearer confirmation with a NotOnOrAfter in UTC', () => {
    refused(
      () =>
        checkAssertion(
          confirmation({ method: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }),
          expect,
          T,
        ),
      'saml_malformed',
    );
    refused(
      () => checkAssertion(confirmation({ notOnOrAfter: null }), expect, T),
      'saml_malformed',
    );
    refused(
      () => checkAssertion(confirmation({ notOnOrAfter: '2026-01-05T10:00:00+02:00' }), expect, T),
      'saml_malformed',
    );
  });

  void test('needs the confirmation to name this ACS; another one may be there too', () => {
    refused(
      () => checkAssertion(confirmation({ recipient: 'https://evil.example/acs' }), expect, T),
      'saml_wrong_destination',
    );
    const two = assertion({
      confirmations: [
        {
          ...assertion().confirmations[0]!,
          recipient: 'https://other.example/acs',
          inResponseTo: '_x',
        },
        assertion().confirmations[0]!,
      ],
    });
    assert.equal(checkAssertion(two, expect, T).inResponseTo, '_req');
  });

  void test('keeps the NameID without the whitespace pretty-printed XML puts around it', () => {
    const pretty = assertion({ nameId: '\n      alice@corp.test\n    ' });
    assert.equal(checkAssertion(pretty, expect, T).nameId, 'alice@corp.test');
    refused(() => checkAssertion(assertion({ nameId: ' \n ' }), expect, T), 'saml_malformed');
  });

  void test('needs the IdP as Issuer, an ID and a plain NameID', () => {
    refused(
      () => checkAssertion(assertion({ issuer: 'https://other.example' }), expect, T),
      'saml_wrong_issuer',
    );
    refused(() => checkAssertion(assertion({ id: null }), expect, T), 'saml_malformed');
    refused(() => checkAssertion(assertion({ nameId: '' }), expect, T), 'saml_malformed');
    refused(
      () => checkAssertion(assertion({ nameId: 'alice\nadmin' }), expect, T),
      'saml_malformed',
    );
    refused(
      () => checkAssertion(assertion({ nameId: 'a'.repeat(513) }), expect, T),
      'saml_malformed',
    );
  });
});

void describe('checkOutline', () => {
  const outline = {
    destination: ACS,
    inResponseTo: '_req',
    issuer: expect.idpEntityId,
    responseSigned: false,
    assertionSigned: true,
  };

  void test('passes what the config asks for', () => {
    checkOutline(outline, expect);
    checkOutline({ ...outline, destination: null }, expect);
  });

  void test('refuses missing signatures, another Destination, a signed response without one', () => {
    refused(() => checkOutline({ ...outline, assertionSigned: false }, expect), 'saml_unsigned');
    const strict = { ...expect, wantResponseSigned: true };
    refused(() => checkOutline(outline, strict), 'saml_unsigned');
    refused(
      () => checkOutline({ ...outline, destination: 'https://x.example/acs' }, expect),
      'saml_wrong_destination',
    );
    refused(
      () => checkOutline({ ...outline, destination: null, responseSigned: true }, expect),
      'saml_wrong_destination',
    );
    refused(
      () => checkOutline({ ...outline, issuer: 'https://other.example' }, expect),
      'saml_wrong_issuer',
    );
  });
});
