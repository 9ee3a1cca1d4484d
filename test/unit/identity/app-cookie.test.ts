// The app-host cookie: it names a portal session, is bound to one host, and survives a secret
// rotation while the old secret is still listed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signAppCookie, verifyAppCookie } from '../../../proxy/identity/app-cookie.js';

const SECRET = 'first-secret-0123456789abcdef0123';
const NEXT = 'second-secret-0123456789abcdef012';
const HOST = 'payroll.localhost';
const SID = 'sess-9f3a_XYZ.long-id';

/** Replaces one character of `text` at `at` with another valid base64url character. */
const flip = (text: string, at: number) =>
  text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

void describe('app cookie', () => {
  void test('round trip: the signed value gives back the session id', () => {
    const value = signAppCookie(SID, HOST, SECRET);
    assert.match(value, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(verifyAppCookie(value, HOST, [SECRET]), SID);
  });

  void test('the session id is not readable as-is but a non-ASCII one survives', () => {
    const value = signAppCookie('sïd ✓', HOST, SECRET);
    assert.ok(!value.includes('sïd'));
    assert.equal(verifyAppCookie(value, HOST, [SECRET]), 'sïd ✓');
  });

  void test('a cookie for one host fails on another', () => {
    const value = signAppCookie(SID, HOST, SECRET);
    for (const other of [
      'other.localhost',
      'payroll.localhost.',
      'PAYROLL.localhost',
      'localhost',
      '',
    ])
      assert.equal(verifyAppCookie(value, other, [SECRET]), undefined, other);
  });

  void test('a tampered session id fails', () => {
    const value = signAppCookie(SID, HOST, SECRET);
    const [version, sid, mac] = value.split('.') as [string, string, string];
    const otherSid = Buffer.from('sess-other').toString('base64url');
    assert.equal(verifyAppCookie(`${version}.${otherSid}.${mac}`, HOST, [SECRET]), undefined);
    assert.equal(verifyAppCookie(`${version}.${flip(sid, 0)}.${mac}`, HOST, [SECRET]), undefined);
  });

  void test('a tampered mac fails', () => {
    const value = signAppCookie(SID, HOST, SECRET);
    const [version, sid, mac] = value.split('.') as [string, string, string];
    assert.equal(verifyAppCookie(`${version}.${sid}.${flip(mac, 5)}`, HOST, [SECRET]), undefined);
    assert.equal(verifyAppCookie(`${version}.${sid}.${mac.slice(1)}`, HOST, [SECRET]), undefined);
    assert.equal(verifyAppCookie(`${version}.${sid}.${mac}A`, HOST, [SECRET]), undefined);
    assert.equal(verifyAppCookie(`${version}.${sid}.`, HOST, [SECRET]), undefined);
  });

  void test('a cookie signed with another secret fails', () => {
    assert.equal(verifyAppCookie(signAppCookie(SID, HOST, NEXT), HOST, [SECRET]), undefined);
  });

  void test('a wrong or missing version fails', () => {
    const value = signAppCookie(SID, HOST, SECRET);
    const rest = value.slice('v1.'.length);
    for (const bad of [`v2.${rest}`, `V1.${rest}`, `.${rest}`, rest, `v1.${rest}.extra`])
      assert.equal(verifyAppCookie(bad, HOST, [SECRET]), undefined, bad);
  });

  void test('garbage and empty session ids fail', () => {
    for (const bad of ['', '.', '..', 'v1..', 'v1..mac', 'v1.%%%.mac', 'not a cookie'])
      assert.equal(verifyAppCookie(bad, HOST, [SECRET]), undefined, bad);
    // An empty session id is refused even when its mac is right.
    assert.equal(verifyAppCookie(signAppCookie('', HOST, SECRET), HOST, [SECRET]), undefined);
  });

  void test('an oversized session id is refused even when signed', () => {
    const long = 'x'.repeat(257);
    assert.equal(verifyAppCookie(signAppCookie(long, HOST, SECRET), HOST, [SECRET]), undefined);
    const limit = 'x'.repeat(256);
    assert.equal(verifyAppCookie(signAppCookie(limit, HOST, SECRET), HOST, [SECRET]), limit);
  });

  void test('key rotation: new and old secrets both verify while both are listed', () => {
    const old = signAppCookie(SID, HOST, SECRET);
    const fresh = signAppCookie(SID, HOST, NEXT);
    assert.notEqual(old, fresh);
    assert.equal(verifyAppCookie(old, HOST, [NEXT, SECRET]), SID);
    assert.equal(verifyAppCookie(fresh, HOST, [NEXT, SECRET]), SID);
    // Once the old secret is dropped, only the new cookie works.
    assert.equal(verifyAppCookie(old, HOST, [NEXT]), undefined);
    assert.equal(verifyAppCookie(fresh, HOST, [NEXT]), SID);
  });

  void test('no secrets, no session', () => {
    assert.equal(verifyAppCookie(signAppCookie(SID, HOST, SECRET), HOST, []), undefined);
  });
});
