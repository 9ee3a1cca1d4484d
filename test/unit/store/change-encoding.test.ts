// What replicas tell each other travels as text on a channel anyone with the database may write
// to: each change encodes and decodes to itself, and anything malformed is dropped, not trusted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeChange, encodeChange, type StoreChange } from '../../../proxy/store/change-feed.js';

const roundTrip = (change: StoreChange) => decodeChange(encodeChange('replicaA', change));

void describe('change announcements', () => {
  test('every kind decodes to what was encoded', () => {
    const changes: StoreChange[] = [
      { kind: 'grant', id: 'grt_1' },
      { kind: 'session', digest: 'abcDEF123_-' },
      { kind: 'request', id: 'req_1' },
      { kind: 'terminal', id: 'trm_1' },
      { kind: 'token', id: 'tok_AbC-1_x' },
      { kind: 'break_glass', id: 'grt_2', stage: 'overdue' },
      { kind: 'grant_end', id: 'grt_3', end: 'revoked', actor: 'corp:bob smith ✓' },
      { kind: 'grant_end', id: 'grt_4', end: 'released', actor: 'corp:alice' },
      // More than the longest actor the audit log takes (1000 UTF-16 units): 4000 bytes in UTF-8.
      { kind: 'grant_end', id: 'grt_5', end: 'revoked', actor: '𝄞'.repeat(1000) },
    ];
    for (const change of changes)
      assert.deepEqual(roundTrip(change), { origin: 'replicaA', change });
  });

  test('a grant end without its actor, or a word too many, is dropped', () => {
    for (const payload of [
      'replicaA grant_end.revoked grt_3',
      'replicaA grant_end.revoked grt_3 Ym9i extra',
      'replicaA grant_end.revoked grt_3 not+base64url',
      'replicaA grant_end.expired grt_3 Ym9i',
      'replicaA grant grt_1 Ym9i',
    ])
      assert.equal(decodeChange(payload), undefined, payload);
  });
});
