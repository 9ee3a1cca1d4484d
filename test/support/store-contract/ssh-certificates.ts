/**
 * SshCertificateRepository (what the SSH revocation list is made from): unexpired certificates
 * oldest first, a relay session's certificate ended once, a serial recorded once, an insert that
 * is part of failed atomic work never recorded, and every replica seeing the same certificates.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Store } from '../../../proxy/store/types.js';
import type { SshCertificateRecord } from '../../../proxy/terminal/cert-record.js';
import { MIN, T0, type ContractContext } from './context.js';

export function sshCertificateContract(c: ContractContext): void {
  const certificate = (overrides: Partial<SshCertificateRecord> = {}): SshCertificateRecord => ({
    serial: randomBytes(8).readBigUInt64BE().toString(),
    grantId: c.unique('grt'),
    sessionId: null,
    keyId: c.unique('alice/grt'),
    purpose: 'direct',
    createdAt: T0,
    validBefore: T0 + 30 * MIN,
    endedAt: null,
    ...overrides,
  });
  const listed = async (ours: readonly SshCertificateRecord[], now: number, store = c.store()) => {
    const serials = new Set(ours.map((o) => o.serial));
    return (await store.sshCertificates.listUnexpired(now)).filter((o) => serials.has(o.serial));
  };

  void describe('ssh certificates', () => {
    void test('unexpired certificates are listed oldest first; expired ones are not', async () => {
      const newer = certificate({ createdAt: T0 + MIN });
      const older = certificate({ createdAt: T0 - MIN });
      const expired = certificate({ validBefore: T0 + 5 * MIN });
      for (const o of [newer, expired, older]) await c.store().sshCertificates.insert(o);
      assert.deepEqual(await listed([newer, older, expired], T0 + 2 * MIN), [
        older,
        expired,
        newer,
      ]);
      assert.deepEqual(await listed([newer, older, expired], T0 + 5 * MIN), [older, newer]);
      assert.deepEqual(await listed([newer, older, expired], T0 + 30 * MIN), []);
    });

    void test("endForSession ends that session's certificate, once", async () => {
      const session = c.unique('ses');
      const relay = certificate({ sessionId: session, purpose: 'relay' });
      const other = certificate({ sessionId: c.unique('ses'), purpose: 'relay' });
      const direct = certificate({ grantId: relay.grantId });
      for (const o of [relay, other, direct]) await c.store().sshCertificates.insert(o);
      await c.store().sshCertificates.endForSession(session, T0 + MIN);
      await c.store().sshCertificates.endForSession(session, T0 + 2 * MIN);
      await c.store().sshCertificates.endForSession(c.unique('ses'), T0 + MIN);
      const bySerial = (list: SshCertificateRecord[]) =>
        [...list].sort((a, b) => a.serial.localeCompare(b.serial));
      assert.deepEqual(
        bySerial(await listed([relay, other, direct], T0)),
        bySerial([{ ...relay, endedAt: T0 + MIN }, other, direct]),
      );
    });

    void test('a serial is recorded once', async () => {
      const o = certificate();
      await c.store().sshCertificates.insert(o);
      await assert.rejects(c.store().sshCertificates.insert({ ...o, grantId: c.unique('grt') }));
    });

    void test('a certificate recorded in failed atomic work is not recorded', async () => {
      const o = certificate();
      await assert.rejects(
        c.store().atomic(async () => {
          await c.store().sshCertificates.insert(o);
          throw new Error('the audit write failed');
        }),
      );
      assert.deepEqual(await listed([o], T0), []);
    });

    if (!c.hasReplica) return; // one store alone has no "elsewhere"
    void test('a certificate one replica records, another lists and ends', async () => {
      const o = certificate({ sessionId: c.unique('ses'), purpose: 'relay' });
      await c.store().sshCertificates.insert(o);
      const replica = c.replica() as Store;
      assert.deepEqual(await listed([o], T0, replica), [o]);
      await replica.sshCertificates.endForSession(o.sessionId as string, T0 + MIN);
      assert.deepEqual(await listed([o], T0), [{ ...o, endedAt: T0 + MIN }]);
    });
  });
}
