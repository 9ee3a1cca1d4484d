// TOTP against the RFC test vectors (RFC 4226 HOTP, RFC 6238 SHA-1 with the seed
// "12345678901234567890"), verification across the window edges (−1, 0, +1 steps accepted,
// ±2 refused) and replays inside the window refused by the last used step.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { base32Decode, base32Encode } from '../../../../proxy/identity/mfa/base32.js';
import {
  generateTotpSecret,
  hotp,
  otpauthUri,
  timeStep,
  totpCode,
  verifyTotp,
} from '../../../../proxy/identity/mfa/totp.js';

const SEED = Buffer.from('12345678901234567890');
const SECRET = base32Encode(SEED);
const STEP_MS = 30_000;

void describe('RFC vectors', () => {
  void test('RFC 4226 appendix D: HOTP counters 0–9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314'];
    expected.push('254676', '287922', '162583', '399871', '520489');
    assert.deepEqual(
      expected.map((_, counter) => hotp(SEED, counter)),
      expected,
    );
  });

  void test('RFC 6238 appendix B: SHA-1, 8 digits', () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) {
      assert.equal(totpCode(SECRET, timeStep(seconds * 1000), 8), code, `T = ${seconds}`);
    }
  });
});

void describe('verification window', () => {
  const now = 1_700_000_015_000; // mid-step, so ±1 step is never a rounding question
  const step = timeStep(now);
  const codeAt = (offset: number) => totpCode(SECRET, step + offset);

  for (const offset of [-1, 0, 1]) {
    void test(`accepts the code of step ${offset >= 0 ? '+' : ''}${offset} and names it`, () => {
      assert.deepEqual(verifyTotp(SECRET, codeAt(offset), now, null), {
        ok: true,
        step: step + offset,
      });
    });
  }

  for (const offset of [-2, 2, -10]) {
    void test(`refuses the code of step ${offset}`, () => {
      assert.deepEqual(verifyTotp(SECRET, codeAt(offset), now, null), {
        ok: false,
        reason: 'mismatch',
      });
    });
  }

  void test('the edges move with the clock: the last millisecond of a step and the first', () => {
    const start = step * STEP_MS;
    assert.equal(verifyTotp(SECRET, codeAt(-1), start, null).ok, true);
    assert.equal(verifyTotp(SECRET, codeAt(-1), start + STEP_MS, null).ok, false);
    assert.equal(verifyTotp(SECRET, codeAt(1), start - 1, null).ok, false);
    assert.equal(verifyTotp(SECRET, codeAt(1), start, null).ok, true);
  });

  void test('ignores spaces and refuses what is not six digits', () => {
    const code = codeAt(0);
    assert.equal(verifyTotp(SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, now, null).ok, true);
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`]) {
      assert.deepEqual(verifyTotp(SECRET, bad, now, null), { ok: false, reason: 'malformed' });
    }
  });
});

void describe('replays inside the window', () => {
  const now = 1_700_000_015_000;
  const step = timeStep(now);

  void test('a code whose step was used is refused, however often it is tried', () => {
    const code = totpCode(SECRET, step);
    const first = verifyTotp(SECRET, code, now, null);
    assert.deepEqual(first, { ok: true, step });
    assert.deepEqual(verifyTotp(SECRET, code, now, step), { ok: false, reason: 'replayed' });
    assert.deepEqual(verifyTotp(SECRET, code, now + STEP_MS, step), {
      ok: false,
      reason: 'replayed',
    });
  });

  void test('an earlier step is refused after a later one was used; the next step is fine', () => {
    assert.equal(verifyTotp(SECRET, totpCode(SECRET, step - 1), now, step).ok, false);
    assert.deepEqual(verifyTotp(SECRET, totpCode(SECRET, step + 1), now, step), {
      ok: true,
      step: step + 1,
    });
  });
});

void describe('secrets and URIs', () => {
  void test('secrets are 160 bits of base32 and round-trip', () => {
    const secret = generateTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(base32Decode(secret)?.length, 20);
    assert.notEqual(generateTotpSecret(), secret);
    assert.equal(
      base32Encode(base32Decode('jbsw y3dp ehpk 3pxp') ?? Buffer.alloc(0)),
      'JBSWY3DPEHPK3PXP',
    );
    assert.equal(base32Decode('not base32!'), undefined);
  });

  void test('the otpauth URI carries issuer, account, secret and the parameters', () => {
    const uri = new URL(
      otpauthUri({ issuer: 'jit gate', account: 'alice@x.test', secret: SECRET }),
    );
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(decodeURIComponent(uri.pathname), '/jit gate:alice@x.test');
    assert.equal(uri.searchParams.get('secret'), SECRET);
    assert.equal(uri.searchParams.get('issuer'), 'jit gate');
    assert.equal(uri.searchParams.get('digits'), '6');
    assert.equal(uri.searchParams.get('period'), '30');
    assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  });
});
