// From a verified SAML assertion to a jitgate user: the NameID is the subject, attributes are
// found by Name or FriendlyName, the user name falls back to email then NameID (an email-format
// NameID is an email), groups are mapped like OIDC's, and single-valued attributes become policy
// claims under their Name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../../proxy/config/load.js';
import type { SignedAssertion } from '../../../proxy/identity/saml-sp.js';
import { userFromAssertion } from '../../../proxy/identity/saml-user.js';

const T0 = 1_700_000_000_000;
const [idp] = validateConfig(
  {
    identityProviders: [
      {
        id: 'entra',
        type: 'saml',
        kind: 'vendor',
        metadataUrl:
          'https://login.microsoftonline.com/t/federationmetadata/2007-06/federationmetadata.xml',
        attributes: {
          username: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
          email: 'emailaddress',
          groups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
        },
        groupMap: { 'a1b2-finance': ['payroll-users'] },
      },
    ],
  },
  {},
).identityProviders;
if (idp?.type !== 'saml') throw new Error('a SAML IdP');

const base: SignedAssertion = {
  id: '_a',
  issuer: 'https://sts.windows.net/t/',
  nameId: 'Zx81-opaque',
  nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  sessionIndex: null,
  confirmations: [],
  attributes: [
    {
      name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
      friendlyName: null,
      values: ['alice@corp.example'],
    },
    {
      name: 'urn:oid:0.9.2342.19200300.100.1.3',
      friendlyName: 'emailaddress',
      values: ['alice@corp.example'],
    },
    {
      name: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
      friendlyName: null,
      values: ['a1b2-finance', 'c3d4-other'],
    },
    { name: 'department', friendlyName: null, values: ['Finance'] },
  ],
};

test('the NameID is the subject; attributes by Name or FriendlyName; groups mapped', () => {
  const { user } = userFromAssertion(idp, base, 'Zx81-opaque', T0);
  assert.deepEqual(user, {
    id: 'entra:Zx81-opaque',
    idp: 'entra',
    subject: 'Zx81-opaque',
    username: 'alice@corp.example',
    email: 'alice@corp.example',
    name: null,
    groups: ['payroll-users'],
    kind: 'vendor',
    claims: {
      department: 'Finance',
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': 'alice@corp.example',
      'urn:oid:0.9.2342.19200300.100.1.3': 'alice@corp.example',
    },
    lastLoginAt: T0,
  });
});

test('without attributes: an email-format NameID is the email and the user name', () => {
  const bare: SignedAssertion = {
    ...base,
    nameId: 'bob@corp.example',
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    attributes: [],
  };
  const { user } = userFromAssertion(idp, bare, 'bob@corp.example', T0);
  assert.equal(user.email, 'bob@corp.example');
  assert.equal(user.username, 'bob@corp.example');
  assert.deepEqual(user.groups, []);
  const opaque = userFromAssertion(idp, { ...bare, nameIdFormat: null }, 'Q7', T0).user;
  assert.equal(opaque.email, null);
  assert.equal(opaque.username, 'Q7');
});
