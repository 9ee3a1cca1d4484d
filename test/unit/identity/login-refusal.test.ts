// A refused login is audited with one of the reasons docs/audit.md lists, whatever was thrown:
// a documented code as it is, anything else as internal_error. The refusal itself still stands.
// Refusals are recorded through the client's sign-in limits (the same for OIDC and SAML).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Request } from 'express';
import { refuseLogin } from '../../../proxy/identity/login-finish.js';
import { SignInLimits } from '../../../proxy/identity/sign-in-limits.js';
import { JitgateError } from '../../../proxy/shared/errors.js';
import type { AuditEvent, AuditEventInput } from '../../../proxy/audit/types.js';
import type { Logger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';

async function auditedReason(error: unknown): Promise<unknown> {
  const recorded: AuditEventInput[] = [];
  const limits = new SignInLimits({
    starts: { max: 10, windowMs: 60_000 },
    failures: { max: 10, windowMs: 60_000 },
    counters: openSqliteStore(':memory:').rateLimits,
    clientOf: () => '192.0.2.1',
    audit: {
      record: (event) => {
        recorded.push(event);
        return Promise.resolve({} as AuditEvent);
      },
    },
    log: { error: () => undefined, warn: () => undefined } as unknown as Logger,
    now: () => 0,
  });
  await assert.rejects(refuseLogin({ limits }, {} as Request, 'corp', error), (e) => e === error);
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0]?.code, 'auth.login_failed');
  return recorded[0]?.reason;
}

test('a documented reason is audited as it is', async () => {
  assert.equal(
    await auditedReason(new JitgateError(401, 'saml_replayed', 'used')),
    'saml_replayed',
  );
  assert.equal(await auditedReason(new JitgateError(401, 'login_failed', 'no')), 'login_failed');
});

test('any other error is audited as internal_error', async () => {
  assert.equal(
    await auditedReason(new JitgateError(503, 'store_unavailable', 'down')),
    'internal_error',
  );
  assert.equal(await auditedReason(new Error('boom')), 'internal_error');
});
