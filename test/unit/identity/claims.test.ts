// From verified ID token claims to a jitgate user: ids, username fallbacks, and group mapping.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateConfig } from '../../../proxy/config/load.js';
import type { OidcIdentityProviderConfig } from '../../../proxy/config/schema.js';
import {
  MAX_KEPT_CLAIMS,
  mapGroups,
  missingGroupsClaim,
  policyClaims,
  userFromClaims,
} from '../../../proxy/identity/claims.js';
import { JitgateError } from '../../../proxy/shared/errors.js';

const T0 = 1_700_000_000_000;

/** An IdP as the config loader produces it (defaults filled in), with `extra` on top. */
function idpWith(extra: Record<string, unknown> = {}): OidcIdentityProviderConfig {
  const config = validateConfig(
    {
      identityProviders: [
        { id: 'corp', issuer: 'https://login.example.com', clientId: 'jitgate', ...extra },
      ],
    },
    {},
  );
  const idp = config.identityProviders[0];
  assert.ok(idp?.type === 'oidc');
  return idp;
}

const mapped = idpWith({
  groupMap: { 'Payroll Admins': ['payroll-admins', 'staff'], Engineers: ['staff', 'eng'] },
});
const passing = idpWith({ groupMap: { Engineers: ['eng'] }, passUnmappedGroups: true });

void describe('mapGroups', () => {
  void test('maps IdP groups through groupMap, de-duplicated and sorted', () => {
    assert.deepEqual(mapGroups(mapped, ['Engineers', 'Payroll Admins']), [
      'eng',
      'payroll-admins',
      'staff',
    ]);
  });

  void test('drops unmapped groups unless passUnmappedGroups', () => {
    assert.deepEqual(mapGroups(mapped, ['Engineers', 'ops', 'Finance']), ['eng', 'staff']);
    assert.deepEqual(mapGroups(passing, ['Engineers', 'ops', 'support-2']), [
      'eng',
      'ops',
      'support-2',
    ]);
  });

  void test('passes only unmapped names that are valid jitgate group names', () => {
    const invalid = [
      'Finance',
      'Domain Users',
      '2fa-users',
      '-ops',
      'ops_team',
      'ops.team',
      'ops\nadmins',
      'a'.repeat(64),
      '',
      'CN=admins,OU=groups',
      'grüppe',
    ];
    assert.deepEqual(mapGroups(passing, [...invalid, 'a'.repeat(63), 'x']), ['a'.repeat(63), 'x']);
  });

  void test('a single string claim counts as one group', () => {
    assert.deepEqual(mapGroups(mapped, 'Engineers'), ['eng', 'staff']);
    assert.deepEqual(mapGroups(passing, 'ops'), ['ops']);
  });

  void test('anything else gives no groups; non-string members are skipped', () => {
    for (const raw of [undefined, null, 42, { Engineers: true }, true])
      assert.deepEqual(mapGroups(mapped, raw), [], JSON.stringify(raw));
    assert.deepEqual(mapGroups(passing, [42, null, ['ops'], { ops: 1 }, 'ops']), ['ops']);
  });

  void test('group names that are Object.prototype members map to nothing and do not throw', () => {
    const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
    assert.deepEqual(mapGroups(mapped, names), []);
    // With passUnmappedGroups they are ordinary (valid) names.
    assert.deepEqual(mapGroups(passing, ['constructor', 'tostring']), ['constructor', 'tostring']);
  });
});

void describe('userFromClaims', () => {
  void test('builds the user record, id scoped by the IdP', () => {
    const user = userFromClaims(
      mapped,
      {
        sub: 'a-123',
        email: 'alice@example.com',
        preferred_username: 'alice',
        name: 'Alice Liddell',
        groups: ['Engineers'],
      },
      T0,
    );
    assert.deepEqual(user, {
      id: 'corp:a-123',
      idp: 'corp',
      subject: 'a-123',
      username: 'alice',
      email: 'alice@example.com',
      name: 'Alice Liddell',
      groups: ['eng', 'staff'],
      kind: 'person',
      claims: {
        email: 'alice@example.com',
        name: 'Alice Liddell',
        preferred_username: 'alice',
        sub: 'a-123',
      },
      lastLoginAt: T0,
    });
  });

  void test('an email the IdP says it did not verify is no email, nor a username', () => {
    // Anyone can type any address into a self-service profile: policies, break-glass rules,
    // approvals and app headers must never see it as the person's.
    for (const unverified of [false, 'false']) {
      const claims = { sub: 's', email: 'bob@example.com', email_verified: unverified };
      const user = userFromClaims(mapped, claims, T0);
      assert.equal(user.email, null);
      assert.equal(user.username, 's');
      assert.equal(user.claims?.email, undefined);
      const byEmail = userFromClaims(idpWith({ usernameClaim: 'email' }), claims, T0);
      assert.equal(byEmail.username, 's');
    }
    // Verified, or not said at all (Entra ID sends no email_verified), the email stands.
    for (const said of [{ email_verified: true }, {}]) {
      const user = userFromClaims(mapped, { sub: 's', email: 'bob@example.com', ...said }, T0);
      assert.equal(user.email, 'bob@example.com');
    }
  });

  void test('the username falls back to the email, then to the subject', () => {
    assert.equal(
      userFromClaims(mapped, { sub: 's', email: 'e@example.com' }, T0).username,
      'e@example.com',
    );
    assert.equal(userFromClaims(mapped, { sub: 's' }, T0).username, 's');
    // Empty or non-string claims do not count.
    assert.equal(
      userFromClaims(mapped, { sub: 's', preferred_username: '', email: 42 }, T0).username,
      's',
    );
  });

  void test('a configured username claim and groups claim are used', () => {
    const idp = idpWith({ usernameClaim: 'upn', groupsClaim: 'roles', passUnmappedGroups: true });
    const user = userFromClaims(
      idp,
      { sub: 's', upn: 'alice@corp', preferred_username: 'ignored', roles: ['ops'], groups: ['x'] },
      T0,
    );
    assert.equal(user.username, 'alice@corp');
    assert.deepEqual(user.groups, ['ops']);
  });

  void test('missing optional claims become null', () => {
    const user = userFromClaims(mapped, { sub: 's' }, T0);
    assert.equal(user.email, null);
    assert.equal(user.name, null);
    assert.deepEqual(user.groups, []);
  });

  void test('overlong claims are ignored', () => {
    const long = 'x'.repeat(513);
    const user = userFromClaims(mapped, { sub: 's', email: long, name: long }, T0);
    assert.equal(user.email, null);
    assert.equal(user.name, null);
  });

  void test('the IdP kind is carried over', () => {
    assert.equal(userFromClaims(idpWith({ kind: 'vendor' }), { sub: 's' }, T0).kind, 'vendor');
  });

  void test('a missing or unusable subject throws a 401', () => {
    for (const claims of [{}, { sub: '' }, { sub: 42 }, { sub: null }, { sub: 'x'.repeat(513) }]) {
      assert.throws(
        () => userFromClaims(mapped, { email: 'a@example.com', ...claims }, T0),
        (error: unknown) =>
          error instanceof JitgateError && error.status === 401 && error.code === 'login_failed',
        JSON.stringify(claims),
      );
    }
  });
});

void describe('policyClaims', () => {
  void test('keeps top-level strings, not protocol claims, groups or other types', () => {
    const kept = policyClaims(
      {
        sub: 's',
        department: 'finance',
        iss: 'https://login.example.com',
        aud: 'jitgate',
        nonce: 'n',
        sid: 'x',
        acr: '1',
        azp: 'jitgate',
        jti: 'j',
        at_hash: 'h',
        c_hash: 'h',
        roles: 'ignored: the groups claim',
        exp: 1,
        verified: true,
        address: { country: 'DE' },
        empty: '',
        tags: ['a'],
      },
      'roles',
    );
    assert.deepEqual(kept, { department: 'finance', sub: 's' });
  });

  void test('drops overlong values and keeps at most 32, by name', () => {
    const many: Record<string, unknown> = { long: 'x'.repeat(257), edge: 'y'.repeat(256) };
    for (let i = 0; i < 40; i++) many[`c${String(i).padStart(2, '0')}`] = `v${i}`;
    const kept = policyClaims(many, 'groups');
    assert.equal(Object.keys(kept).length, MAX_KEPT_CLAIMS);
    assert.equal(kept.long, undefined);
    assert.equal(kept.c00, 'v0');
    assert.equal(kept.c31, 'v31');
    assert.equal(kept.c32, undefined, 'c32 comes after 32 others by name');
    assert.equal(kept.edge, undefined);
  });
});

void describe('missingGroupsClaim', () => {
  const google = idpWith({ issuer: 'https://accounts.google.com', groupMap: { eng: ['staff'] } });

  void test('a token without the groups claim, while groups are mapped, says what to fix', () => {
    assert.equal(
      missingGroupsClaim(google, { sub: 's', email: 'a@example.com', hd: 'example.com' }),
      'the ID token from "corp" has no "groups" claim, so this person gets no groups and no ' +
        'policy, approver, admin or auditor group can match them: make the IdP send the claim ' +
        '(often a "groups" scope or a groups mapper), set groupsClaim to the claim it does send, ' +
        'or, for an IdP that has no groups (Google Workspace), match people by subjects.users or ' +
        'subjects.claims (docs/identity-providers.md)',
    );
  });

  void test('passUnmappedGroups counts as mapping groups too', () => {
    assert.match(missingGroupsClaim(passing, { sub: 's' }) ?? '', /no "groups" claim/);
  });

  void test('names the configured claim', () => {
    const roles = idpWith({ groupsClaim: 'roles', passUnmappedGroups: true });
    assert.match(missingGroupsClaim(roles, { sub: 's', groups: ['x'] }) ?? '', /no "roles" claim/);
  });

  void test('an empty groups claim is a person in no group, not a missing claim', () => {
    assert.equal(missingGroupsClaim(google, { sub: 's', groups: [] }), undefined);
  });

  void test('an IdP that maps no groups expects none', () => {
    assert.equal(missingGroupsClaim(idpWith(), { sub: 's' }), undefined);
  });
});
