// Factor secrets at rest: AES-256-GCM round trip, a fresh IV per seal, and every tamper refused:
// a flipped bit, a truncated value, another context (factor or person), another key.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { factorContext, SecretBox } from '../../../../proxy/identity/mfa/secret-box.js';
import {
  normalizeRecoveryCode,
  RecoveryCodes,
} from '../../../../proxy/identity/mfa/recovery-codes.js';

const key = randomBytes(32);
const box = new SecretBox(key);
const alice = factorContext('mfa_1', 'demo:alice');

void describe('secret box', () => {
  void test('opens what it sealed, and never seals the same way twice', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', alice);
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]+$/);
    assert.doesNotMatch(sealed, /JBSWY3DP/);
    assert.equal(box.open(sealed, alice), 'JBSWY3DPEHPK3PXP');
    assert.notEqual(box.seal('JBSWY3DPEHPK3PXP', alice), sealed);
  });

  void test('refuses a flipped bit anywhere', () => {
    const sealed = box.seal('secret', alice);
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    for (const at of [0, 12, 20, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[at] = (bad[at] ?? 0) ^ 1;
      assert.throws(() => box.open(`v1.${bad.toString('base64url')}`, alice), `byte ${at}`);
    }
  });

  void test('refuses truncated and foreign-format values', () => {
    const sealed = box.seal('secret', alice);
    assert.throws(() => box.open(sealed.slice(0, 20), alice));
    assert.throws(() => box.open(`v2${sealed.slice(2)}`, alice));
    assert.throws(() => box.open('v1', alice));
    assert.throws(() => box.open(`${sealed}.x`, alice));
  });

  void test('a secret moved to another factor or another person does not open', () => {
    const sealed = box.seal('secret', alice);
    assert.throws(() => box.open(sealed, factorContext('mfa_2', 'demo:alice')));
    assert.throws(() => box.open(sealed, factorContext('mfa_1', 'demo:bob')));
  });

  void test('another key opens nothing; keys must be 32 bytes', () => {
    const sealed = box.seal('secret', alice);
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, alice));
    assert.throws(() => new SecretBox(randomBytes(16)));
  });
});

void describe('recovery codes', () => {
  const codes = new RecoveryCodes(key);

  void test('ten codes, shown grouped, stored as keyed hashes bound to the person', () => {
    const { codes: shown, hashes } = codes.generate('demo:alice');
    assert.equal(shown.length, 10);
    assert.equal(new Set(shown).size, 10);
    for (const code of shown) assert.match(code, /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    const first = normalizeRecoveryCode(shown[0] ?? '') ?? '';
    assert.equal(codes.hash('demo:alice', first), hashes[0]);
    assert.notEqual(codes.hash('demo:bob', first), hashes[0]);
    assert.notEqual(new RecoveryCodes(randomBytes(32)).hash('demo:alice', first), hashes[0]);
  });

  void test('typing is forgiven: case, spaces, dashes, I/L for 1 and O for 0', () => {
    assert.equal(normalizeRecoveryCode(' AB0DE-1FGHJ '), 'ab0de1fghj');
    assert.equal(normalizeRecoveryCode('abode-Ifghj'), 'ab0de1fghj');
    assert.equal(normalizeRecoveryCode('ab0de1fghj'), 'ab0de1fghj');
    assert.equal(normalizeRecoveryCode('123456'), undefined);
    assert.equal(normalizeRecoveryCode('abcde-fghju'), undefined);
  });
});
