// Replicas must share one MFA key: the store remembers a check value of the first key, and a
// replica with another key is refused at start, with what to do, instead of failing step-ups.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { assertSameMfaKey, mfaKeyCheck } from '../../../../proxy/identity/mfa/mfa-key-check.js';
import { openSqliteStore } from '../../../../proxy/store/sqlite/sqlite-store.js';

test('the same key starts again; another key is refused, naming the setting to share', async () => {
  const { settings } = openSqliteStore(':memory:');
  const key = randomBytes(32);
  await assertSameMfaKey(settings, mfaKeyCheck(key));
  await assertSameMfaKey(settings, mfaKeyCheck(Buffer.from(key)));
  await assert.rejects(
    assertSameMfaKey(settings, mfaKeyCheck(randomBytes(32))),
    /mfa\.encryptionKeyFile.*every replica the same key file/,
  );
});

test('the check value does not reveal the key', () => {
  const key = randomBytes(32);
  const check = mfaKeyCheck(key);
  assert.notEqual(check, key.toString('base64url'));
  assert.equal(Buffer.from(check, 'base64url').length, 32);
});
