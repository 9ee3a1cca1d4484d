// The target agent's decision for one recorded login, from the line the sshd hook writes: a
// direct certificate's connection ends when its serial is revoked or its valid-before has passed;
// a relay certificate's (marked by jitgate's CA) is never ended by the agent, however long ago
// its login window closed or whatever the list says: jitgate ends it itself, with the right
// reason. Certificates are minted with windows in the past instead of waiting for them.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { endingReason } from '../../../proxy/target/ending-verdict.js';
import { parseRegistryLine } from '../../../proxy/target/session-registry.js';
import { extensionsFor } from '../../../proxy/terminal/cert-purpose.js';
import type { CertificatePurpose } from '../../../proxy/terminal/cert-record.js';
import { mintUserCertificate } from '../../../proxy/terminal/ssh-cert.js';
import { newEd25519 } from '../../../proxy/terminal/ssh-keys.js';

const ca = generateKeyPairSync('ed25519').privateKey;
const MINUTE = 60_000;
const NOW = 1_800_000_000_000;

/** The session the agent reads from the hook's line for a certificate of `purpose`. */
function registered(purpose: CertificatePurpose, validBefore: number, serial = 7n) {
  const cert = mintUserCertificate(ca, {
    publicKey: newEd25519().publicKey,
    principals: ['deploy'],
    keyId: 'corp:alice/grt_1',
    validAfter: validBefore - 6 * MINUTE,
    validBefore,
    extensions: extensionsFor(purpose),
    serial,
  });
  const line = `4242 99 ${serial} deploy ${cert.line.split(' ')[1] ?? ''}\n`;
  const session = parseRegistryLine('/run/guard/7-4242', line);
  assert.ok(session, 'the hook line parses');
  return session;
}

const none = new Set<bigint>();

void describe('the target agent’s verdict on a recorded login', () => {
  it('reads the relay mark and the valid-before from the recorded certificate', () => {
    const relay = registered('relay', NOW + MINUTE);
    const direct = registered('direct', NOW + MINUTE);
    assert.deepEqual([relay.relay, relay.validBefore], [true, NOW + MINUTE]);
    assert.deepEqual([direct.relay, direct.validBefore], [false, NOW + MINUTE]);
  });

  it('ends a direct certificate’s connection at its valid-before, and not before', () => {
    assert.equal(endingReason(registered('direct', NOW + 1000), none, NOW), undefined);
    assert.equal(endingReason(registered('direct', NOW), none, NOW), 'expired');
    assert.equal(endingReason(registered('direct', NOW - 25 * MINUTE), none, NOW), 'expired');
  });

  it('ends a direct certificate’s connection once its serial is revoked', () => {
    assert.equal(
      endingReason(registered('direct', NOW + MINUTE, 9n), new Set([9n]), NOW),
      'revoked',
    );
  });

  it('leaves a relay connection to jitgate after its login window, and when listed', () => {
    // Minted five minutes for the login only; the session has run for half an hour since.
    const relay = registered('relay', NOW - 25 * MINUTE, 11n);
    assert.equal(endingReason(relay, none, NOW), undefined);
    assert.equal(endingReason(relay, new Set([11n]), NOW), undefined);
  });
});
