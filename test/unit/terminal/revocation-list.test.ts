// What the SSH revocation list refuses, decided from the store's rows: certificates still inside
// their validity whose grant is revoked, over or unknown (fail closed), or whose relay session
// ended; never a live grant's, never one sshd already refuses by its valid-before. The list is
// made again as soon as something ends here, and its ETag changes exactly when its serials do.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import type { GrantRecord } from '../../../proxy/store/types.js';
import type { SshCertificateRecord } from '../../../proxy/terminal/cert-record.js';
import { isRefused, RevocationList } from '../../../proxy/terminal/revocation-list.js';
import { readRevocationList } from '../../../proxy/terminal/ssh-krl.js';
import { ed25519Blob } from '../../../proxy/terminal/ssh-keys.js';

const NOW = 1_700_000_000_000;
const MIN = 60_000;

const grant = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  id: 'grt_1',
  userId: 'machine:ci',
  resourceId: 'prod-shell',
  startsAt: NOW - 10 * MIN,
  endsAt: NOW + 50 * MIN,
  reason: null,
  createdBy: 'test',
  createdAt: NOW - 10 * MIN,
  revokedAt: null,
  revokedBy: null,
  ...overrides,
});

const certificate = (overrides: Partial<SshCertificateRecord> = {}): SshCertificateRecord => ({
  serial: '7',
  grantId: 'grt_1',
  sessionId: null,
  keyId: 'ci/grt_1',
  purpose: 'direct',
  createdAt: NOW - 5 * MIN,
  validBefore: NOW + 50 * MIN,
  endedAt: null,
  ...overrides,
});

void describe('isRefused', () => {
  test("a live grant's certificate is accepted", () => {
    assert.equal(isRefused(certificate(), grant(), NOW), false);
  });
  test('a revoked grant, an ended grant or an unknown grant: refused', () => {
    assert.equal(isRefused(certificate(), grant({ revokedAt: NOW - 1 }), NOW), true);
    assert.equal(isRefused(certificate(), grant({ endsAt: NOW }), NOW), true);
    assert.equal(isRefused(certificate(), undefined, NOW), true);
  });
  test("a relay session's certificate once the session ended: refused", () => {
    const relay = certificate({ purpose: 'relay', sessionId: 'ses_1', endedAt: NOW - 1 });
    assert.equal(isRefused(relay, grant(), NOW), true);
  });
  test('past its valid-before it is not listed: sshd refuses it by itself', () => {
    const expired = certificate({ validBefore: NOW });
    assert.equal(isRefused(expired, grant({ revokedAt: NOW - MIN }), NOW), false);
  });
});

void describe('RevocationList', () => {
  const ca = ed25519Blob(generateKeyPairSync('ed25519').publicKey);
  function setup() {
    let now = NOW;
    const grants = new Map([['grt_1', grant()]]);
    const rows = [certificate(), certificate({ serial: '9', grantId: 'grt_2' })];
    grants.set('grt_2', grant({ id: 'grt_2' }));
    const list = new RevocationList({
      certificates: { listUnexpired: async (at) => rows.filter((r) => r.validBefore > at) },
      grants: { get: async (id) => grants.get(id) },
      caKeys: () => [ca],
      now: () => now,
    });
    return {
      list,
      grants,
      tick: (ms: number) => (now += ms),
    };
  }

  test('an ended grant is on the list at the next read after invalidate()', async () => {
    const { list, grants } = setup();
    const before = await list.current();
    assert.deepEqual(before.serials, []);
    assert.equal(readRevocationList(before.bytes).serials.size, 0);
    grants.set('grt_1', grant({ revokedAt: NOW }));
    list.invalidate();
    const after = await list.current();
    assert.deepEqual(after.serials, [7n]);
    assert.deepEqual([...readRevocationList(after.bytes).serials], [7n]);
    assert.notEqual(after.etag, before.etag);
  });

  test('the ETag stays while the serials stay, whenever the list is made again', async () => {
    const { list, tick } = setup();
    const first = await list.current();
    tick(10 * MIN);
    list.invalidate();
    const second = await list.current();
    assert.equal(second.etag, first.etag);
  });

  test('a change another replica made is seen once the short cache has passed', async () => {
    const { list, grants, tick } = setup();
    assert.deepEqual((await list.current()).serials, []);
    grants.set('grt_2', grant({ id: 'grt_2', revokedAt: NOW }));
    tick(1_000);
    assert.deepEqual((await list.current()).serials, [9n]);
  });
});
