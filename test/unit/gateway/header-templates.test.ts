// Per-resource header templates: placeholders filled from the person and the grant, and values
// that can never split a header or smuggle bytes an HTTP client would refuse.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderHeaderTemplates } from '../../../proxy/gateway/header-templates.js';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import type { GrantRecord } from '../../../proxy/store/types.js';

const user: SessionUser = {
  id: 'corp:alice-sub',
  idp: 'corp',
  username: 'alice',
  email: 'alice@example.com',
  name: 'Alice Liddell',
  groups: ['staff', 'payroll-readers'],
  kind: 'person',
  loginAt: 1_000,
};

const grant: GrantRecord = {
  id: 'grt_abc',
  userId: user.id,
  resourceId: 'payroll',
  startsAt: 1_000,
  endsAt: 2_000,
  reason: 'month end',
  createdBy: 'admin',
  createdAt: 1_000,
  revokedAt: null,
  revokedBy: null,
};

void describe('renderHeaderTemplates', () => {
  void test('fills every placeholder', () => {
    const out = renderHeaderTemplates(
      {
        'X-Sub': '{sub}',
        'X-Email': '{email}',
        'X-User': '{username}',
        'X-Name': '{name}',
        'X-Groups': '{groups}',
        'X-Grant': '{grant}',
        'X-Resource': '{resource}',
      },
      user,
      grant,
    );
    assert.deepEqual(out, [
      ['X-Sub', 'corp:alice-sub'],
      ['X-Email', 'alice@example.com'],
      ['X-User', 'alice'],
      ['X-Name', 'Alice Liddell'],
      ['X-Groups', 'staff,payroll-readers'],
      ['X-Grant', 'grt_abc'],
      ['X-Resource', 'payroll'],
    ]);
  });

  void test('mixes placeholders with literal text and repeats them', () => {
    const out = renderHeaderTemplates(
      { 'X-Who': 'user={username}; mail=<{email}>; again={username}' },
      user,
      grant,
    );
    assert.deepEqual(out, [['X-Who', 'user=alice; mail=<alice@example.com>; again=alice']]);
  });

  void test('leaves unknown placeholders and stray braces alone', () => {
    const out = renderHeaderTemplates(
      { 'X-A': '{unknown} {Email} {email', 'X-B': '{}', 'X-C': 'static' },
      user,
      grant,
    );
    assert.deepEqual(out, [
      ['X-A', '{unknown} {Email} {email'],
      ['X-B', '{}'],
      ['X-C', 'static'],
    ]);
  });

  void test('missing optional fields become empty strings, no groups an empty list', () => {
    const out = renderHeaderTemplates(
      { 'X-Email': '{email}', 'X-Name': '[{name}]', 'X-Groups': '{groups}' },
      { ...user, email: null, name: null, groups: [] },
      grant,
    );
    assert.deepEqual(out, [
      ['X-Email', ''],
      ['X-Name', '[]'],
      ['X-Groups', ''],
    ]);
  });

  void test('a value never carries CR or LF, so it cannot add a header', () => {
    const out = renderHeaderTemplates(
      { 'X-Name': '{name}', 'X-Literal': 'a\r\nX-Evil: 1' },
      { ...user, name: 'Eve\r\nX-Jitgate-Assertion: forged\nX-More: 1\r' },
      grant,
    );
    for (const [, value] of out) assert.doesNotMatch(value, /[\r\n]/);
    assert.deepEqual(out, [
      ['X-Name', 'Eve??X-Jitgate-Assertion: forged?X-More: 1?'],
      ['X-Literal', 'a??X-Evil: 1'],
    ]);
  });

  void test('non-ASCII and control characters become "?", tabs and spaces stay', () => {
    const out = renderHeaderTemplates(
      { 'X-Name': '{name}' },
      { ...user, name: 'Zoë\tΔ 名\u0000\u007f😀' },
      grant,
    );
    assert.deepEqual(out, [['X-Name', 'Zo?\t? ?????']]);
    for (const [, value] of out) assert.match(value, /^[\t\x20-\x7e]*$/);
  });

  void test('a placeholder value is not itself expanded again', () => {
    const out = renderHeaderTemplates({ 'X-Name': '{name}' }, { ...user, name: '{email}' }, grant);
    assert.deepEqual(out, [['X-Name', '{email}']]);
  });

  void test('no templates, no headers', () => {
    assert.deepEqual(renderHeaderTemplates({}, user, grant), []);
  });
});
