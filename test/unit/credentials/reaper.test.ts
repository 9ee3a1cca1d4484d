// The reaper's decision: a role stands only while the grant it was made for is live or still to
// start; an unknown, revoked, expired or other grant means drop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reapDecision } from '../../../proxy/credentials/reaper.js';
import type { CredentialRoleRecord } from '../../../proxy/credentials/role-record.js';
import type { GrantRecord } from '../../../proxy/store/types.js';

const NOW = 1_000_000;
const role: CredentialRoleRecord = {
  role: 'jg_0123456789abcdef01234567',
  resourceId: 'orders-db',
  grantId: 'grt_abcdefgh',
  userId: 'demo:ci-runner',
  createdAt: NOW - 60_000,
  validUntil: NOW + 60_000,
  droppedAt: null,
};
const grant: GrantRecord = {
  id: 'grt_abcdefgh',
  userId: 'demo:ci-runner',
  resourceId: 'orders-db',
  startsAt: NOW - 60_000,
  endsAt: NOW + 60_000,
  reason: 'migration',
  createdBy: 'policy',
  createdAt: NOW - 60_000,
  revokedAt: null,
  revokedBy: null,
};

void describe('reapDecision', () => {
  void it('keeps the role of a live grant, and of one scheduled to start', () => {
    assert.equal(reapDecision(role, grant, NOW), 'keep');
    assert.equal(reapDecision(role, { ...grant, startsAt: NOW + 10_000 }, NOW), 'keep');
  });

  void it('drops when the grant is unknown, revoked, ended or another one', () => {
    assert.equal(reapDecision(role, undefined, NOW), 'drop');
    assert.equal(reapDecision(role, { ...grant, revokedAt: NOW - 1, revokedBy: 'x' }, NOW), 'drop');
    assert.equal(reapDecision(role, { ...grant, endsAt: NOW }, NOW), 'drop');
    assert.equal(reapDecision(role, { ...grant, id: 'grt_other000' }, NOW), 'drop');
  });

  void it('drops a role past its VALID UNTIL, and leaves dropped ones alone', () => {
    assert.equal(reapDecision({ ...role, validUntil: NOW - 1 }, grant, NOW), 'drop');
    assert.equal(reapDecision({ ...role, droppedAt: NOW - 5 }, undefined, NOW), 'keep');
  });
});
