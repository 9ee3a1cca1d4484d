// MFA the IdP vouches for: only with trustMfaFromIdp, only when amr or acr shows it, at the
// IdP's auth_time (never in the future), and not at all without one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idpAuthTime, idpMfaEvidence } from '../../../../proxy/identity/mfa/idp-mfa.js';

const trusted = {
  trustMfaFromIdp: true,
  mfaAmrValues: ['mfa', 'otp', 'hwk'],
  mfaAcrValues: ['urn:mfa'],
};

void test('trusted IdP: amr or acr showing MFA counts', () => {
  assert.deepEqual(idpMfaEvidence(trusted, { amr: ['pwd', 'otp'] }), {
    amr: ['pwd', 'otp'],
    acr: null,
  });
  assert.deepEqual(idpMfaEvidence(trusted, { amr: ['pwd'], acr: 'urn:mfa' }), {
    amr: ['pwd'],
    acr: 'urn:mfa',
  });
});

void test('password alone, odd claim shapes, or an untrusted IdP count for nothing', () => {
  assert.equal(idpMfaEvidence(trusted, { amr: ['pwd'] }), undefined);
  assert.equal(idpMfaEvidence(trusted, {}), undefined);
  assert.equal(idpMfaEvidence(trusted, { amr: 'mfa' }), undefined);
  assert.equal(idpMfaEvidence(trusted, { amr: [1, { mfa: true }], acr: 5 }), undefined);
  assert.equal(idpMfaEvidence({ ...trusted, trustMfaFromIdp: false }, { amr: ['mfa'] }), undefined);
});

void test('the step-up dates from auth_time, never later than now', () => {
  const now = 1_700_000_000_000;
  assert.equal(idpAuthTime({ auth_time: 1_699_999_000 }, now), 1_699_999_000_000);
  assert.equal(idpAuthTime({ auth_time: 1_800_000_000 }, now), now);
});

void test('without a numeric auth_time there is no date, so no step-up (not "now")', () => {
  const now = 1_700_000_000_000;
  assert.equal(idpAuthTime({ auth_time: '1699999000' }, now), undefined);
  assert.equal(idpAuthTime({}, now), undefined);
});
