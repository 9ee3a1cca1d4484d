// The grant book announces a grant scheduled for later when its start comes (the sweep after
// it), once; a grant that starts when it is made is announced by whoever made it, never here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrantBook } from '../../../proxy/access/grant-book.js';
import type { GrantRecord } from '../../../proxy/store/types.js';

const grant = (id: string, createdAt: number, startsAt: number): GrantRecord => ({
  id,
  userId: 'corp:alice',
  resourceId: 'payroll',
  startsAt,
  endsAt: startsAt + 60_000,
  reason: null,
  createdBy: 'corp:bob',
  createdAt,
  revokedAt: null,
  revokedBy: null,
});

test('a scheduled grant is announced by the first sweep after its start, once', () => {
  const book = new GrantBook();
  const started: string[] = [];
  book.onStart((g) => started.push(g.id));
  book.sweep(1_000);
  book.put(grant('grt_now', 1_500, 1_500));
  book.put(grant('grt_later', 1_500, 5_000));
  book.put(grant('grt_soon', 1_500, 3_000));
  book.sweep(2_000);
  assert.deepEqual(started, []);
  book.sweep(5_000);
  assert.deepEqual(started, ['grt_soon', 'grt_later']);
  book.sweep(6_000);
  assert.deepEqual(started, ['grt_soon', 'grt_later']);
});

test('the first sweep announces nothing: starts before it are recorded at start-up', () => {
  const book = new GrantBook();
  const started: string[] = [];
  book.onStart((g) => started.push(g.id));
  book.put(grant('grt_while_down', 0, 1_000));
  book.sweep(2_000);
  assert.deepEqual(started, []);
});
