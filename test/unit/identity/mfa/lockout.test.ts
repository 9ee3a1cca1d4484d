// Failed step-ups lock at maxFailures for the lockout duration: the pure rules with an injected
// clock, then the same through MfaService on a real (in-memory) store with its audit events —
// counted failures, mfa.locked_out once, the right code refused while locked, expiry, reset.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AuditLog } from '../../../../proxy/audit/audit-log.js';
import { afterFailure, isLocked } from '../../../../proxy/identity/mfa/lockout.js';
import { MfaService, type MfaServiceDeps } from '../../../../proxy/identity/mfa/mfa-service.js';
import { RecoveryCodes } from '../../../../proxy/identity/mfa/recovery-codes.js';
import { SecretBox } from '../../../../proxy/identity/mfa/secret-box.js';
import { timeStep, totpCode } from '../../../../proxy/identity/mfa/totp.js';
import { TotpEnrollments } from '../../../../proxy/identity/mfa/totp-enrollment.js';
import { openSqliteStore } from '../../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../proxy/store/types.js';
import { personRecord } from '../../../support/person.js';

const MIN = 60_000;
const policy = { maxFailures: 3, lockoutMs: 15 * MIN };

void describe('lockout rules', () => {
  const t0 = 1_700_000_000_000;

  void test('counts failures and locks at maxFailures, for lockoutMs', () => {
    let state = afterFailure(undefined, t0, policy);
    assert.deepEqual(state, { next: { count: 1, lockedUntil: null }, lockedNow: false });
    state = afterFailure(state.next, t0 + 1, policy);
    assert.equal(state.lockedNow, false);
    state = afterFailure(state.next, t0 + 2, policy);
    assert.deepEqual(state, {
      next: { count: 3, lockedUntil: t0 + 2 + 15 * MIN },
      lockedNow: true,
    });
    assert.equal(isLocked(state.next, t0 + 2), true);
    assert.equal(isLocked(state.next, t0 + 2 + 15 * MIN - 1), true);
    assert.equal(isLocked(state.next, t0 + 2 + 15 * MIN), false);
  });

  void test('a lock that ran out starts a fresh count', () => {
    const locked = { count: 3, lockedUntil: t0 };
    assert.deepEqual(afterFailure(locked, t0, policy), {
      next: { count: 1, lockedUntil: null },
      lockedNow: false,
    });
    assert.equal(isLocked(undefined, t0), false);
    assert.equal(isLocked({ count: 2, lockedUntil: null }, t0), false);
  });
});

void describe('lockout through MfaService', () => {
  let store: Store;
  let now = 1_700_000_015_000;
  let service: MfaService;
  let enrollments: TotpEnrollments;
  let audit: AuditLog;
  const user = { id: 'demo:alice', username: 'alice', email: null };

  before(async () => {
    store = openSqliteStore(':memory:');
    await store.users.upsert(personRecord(user.id, now));
    audit = new AuditLog(store.audit, store, () => now);
    const key = randomBytes(32);
    const deps: MfaServiceDeps = {
      store,
      audit,
      box: new SecretBox(key),
      recovery: new RecoveryCodes(key),
      qrCode: async () => 'data:image/png;base64,',
      issuerLabel: 'jitgate',
      lockout: policy,
      now: () => now,
    };
    service = new MfaService(deps);
    enrollments = new TotpEnrollments(deps);
  });
  after(() => store.close());

  const codes = async (code: string) => (await audit.list({ code, limit: 100 })).length;
  let secret = '';
  let recovery: string[] = [];

  void test('enrollment confirms with a first code and hands out ten recovery codes once', async () => {
    const started = await enrollments.start(user);
    secret = started.secret;
    const done = await enrollments.confirm(
      user.id,
      started.factorId,
      totpCode(secret, timeStep(now)),
      'Phone',
    );
    assert.equal(done.factor.name, 'Phone');
    assert.equal(done.recoveryCodes?.length, 10);
    recovery = done.recoveryCodes ?? [];
    assert.equal(await service.recoveryCodesLeft(user.id), 10);
    assert.equal(await codes('mfa.enrolled'), 1);
  });

  void test('wrong codes are counted and audited; the third locks and is audited once', async () => {
    now += 30_000;
    for (let i = 0; i < 2; i++) {
      await assert.rejects(service.verify(user.id, '482913'), { code: 'mfa_code_invalid' });
    }
    assert.equal(await service.lockedUntil(user.id), null);
    await assert.rejects(service.verify(user.id, '000001'), {
      code: 'mfa_locked_out',
      status: 429,
    });
    assert.equal(await service.lockedUntil(user.id), now + 15 * MIN);
    assert.equal(await codes('mfa.failed'), 3);
    assert.equal(await codes('mfa.locked_out'), 1);
    const failed = await audit.list({ code: 'mfa.failed', limit: 10 });
    assert.ok(
      failed.every((e) => !JSON.stringify(e).includes('482913')),
      'codes never logged',
    );
  });

  void test('while locked even the right code is refused, and that is audited too', async () => {
    now += 14 * MIN;
    await assert.rejects(service.verify(user.id, totpCode(secret, timeStep(now))), {
      code: 'mfa_locked_out',
    });
    assert.equal(await codes('mfa.failed'), 4);
    assert.equal(await codes('mfa.locked_out'), 1);
  });

  void test('after the lockout the right code passes and clears the count', async () => {
    now += MIN;
    assert.equal(await service.lockedUntil(user.id), null);
    const passed = await service.verify(user.id, totpCode(secret, timeStep(now)));
    assert.equal(passed.method, 'totp');
    assert.equal(await codes('mfa.succeeded'), 2, 'enrollment, then this step-up');
    assert.deepEqual(await store.mfa.getFailures(user.id), {
      userId: user.id,
      count: 0,
      lockedUntil: null,
    });
  });

  void test('the same code again is a replay; a recovery code works once', async () => {
    await assert.rejects(service.verify(user.id, totpCode(secret, timeStep(now))), {
      code: 'mfa_code_invalid',
    });
    const failed = await audit.list({ code: 'mfa.failed', limit: 1, order: 'desc' });
    assert.equal(failed[0]?.reason, 'replayed');
    const code = recovery[0] ?? '';
    assert.deepEqual(await service.verify(user.id, code.toUpperCase()), {
      method: 'recovery',
      factorId: null,
    });
    assert.equal(await service.recoveryCodesLeft(user.id), 9);
    await assert.rejects(service.verify(user.id, code), { code: 'mfa_code_invalid' });
  });
});
