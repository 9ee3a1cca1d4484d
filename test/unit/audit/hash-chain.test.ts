// The hash chain on its own: the canonical form is stable (it is a storage format: changing it
// would break every existing log), and each kind of tampering is caught at the right seq.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  canonicalJson,
  ChainVerifier,
  GENESIS_HASH,
  hashEvent,
  verifyChain,
} from '../../../proxy/audit/hash-chain.js';
import type { AuditEvent } from '../../../proxy/audit/types.js';

const T0 = 1_700_000_000_000;

/** A valid chain of `count` events, built the way AuditLog appends them. */
function chain(count: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const unhashed = {
      seq,
      time: T0 + seq * 1000,
      code: 'grant.started' as const,
      actor: `user-${seq % 3}`,
      target: `grt_${seq}`,
      reason: seq % 2 ? 'deploy' : null,
      data: { resource: 'payroll', minutes: seq },
      prevHash: events.at(-1)?.hash ?? GENESIS_HASH,
    };
    events.push({ ...unhashed, hash: hashEvent(unhashed) });
  }
  return events;
}

const rehash = (event: AuditEvent): AuditEvent => ({ ...event, hash: hashEvent(event) });

describe('canonical JSON', () => {
  test('sorts keys at every level, keeps array order, has no whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } }),
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  test('is the same whatever order the keys were built in', () => {
    const one = { resource: 'payroll', minutes: 30, tags: ['a', 'b'] };
    const two = { tags: ['a', 'b'], minutes: 30, resource: 'payroll' };
    assert.equal(canonicalJson(one), canonicalJson(two));
  });

  test('leaves out undefined values like JSON.stringify and escapes like it', () => {
    const value = JSON.parse('{"a":"\\u2028 \\"q\\" é","b":2}') as { a: string; b: number };
    assert.equal(canonicalJson({ ...value, c: undefined } as never), JSON.stringify(value));
  });

  test('the event hash is sha256(prevHash + "\\n" + canonical JSON without hash)', () => {
    const event = {
      seq: 1,
      time: T0,
      code: 'auth.login' as const,
      actor: 'corp:alice',
      target: null,
      reason: null,
      data: { idp: 'corp' },
      prevHash: GENESIS_HASH,
    };
    const canonical =
      '{"actor":"corp:alice","code":"auth.login","data":{"idp":"corp"},' +
      `"prevHash":"${GENESIS_HASH}","reason":null,"seq":1,"target":null,"time":${T0}}`;
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${canonical}`).digest('hex');
    assert.equal(hashEvent(event), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
  });
});

describe('verifyChain', () => {
  test('an intact chain is ok with its count and head', () => {
    const events = chain(10);
    assert.deepEqual(verifyChain(events), { ok: true, count: 10, head: events[9]?.hash });
    assert.deepEqual(verifyChain([]), { ok: true, count: 0, head: GENESIS_HASH });
  });

  test('an edited event is caught at its seq', () => {
    const events = chain(6);
    events[2] = { ...events[2]!, reason: 'nothing to see here' };
    assert.deepEqual(pick(verifyChain(events)), { ok: false, seq: 3, reason: 'edited', count: 2 });
  });

  test('a deleted event is caught at the missing seq', () => {
    const events = chain(6);
    events.splice(3, 1);
    assert.deepEqual(pick(verifyChain(events)), { ok: false, seq: 4, reason: 'deleted', count: 3 });
    assert.deepEqual(pick(verifyChain(chain(3).slice(1))), {
      ok: false,
      seq: 1,
      reason: 'deleted',
      count: 0,
    });
  });

  test('two events that swapped places are caught as reordered at the first', () => {
    const events = chain(6);
    const [third, fourth] = [events[2]!, events[3]!];
    events[2] = { ...fourth, seq: 3 };
    events[3] = { ...third, seq: 4 };
    const result = verifyChain(events);
    assert.deepEqual(pick(result), { ok: false, seq: 3, reason: 'reordered', count: 2 });
    assert.ok(!result.ok && result.detail.includes('written as seq 4'));
    // Fed out of order with their seqs intact, the later seq first looks like a gap.
    assert.equal(pick(verifyChain([events[0]!, third, events[1]!])).reason, 'deleted');
  });

  test('a forged prevHash is caught at its seq, rehashed or not', () => {
    const forged = chain(6);
    forged[2] = rehash({ ...forged[2]!, prevHash: 'f'.repeat(64) });
    assert.deepEqual(pick(verifyChain(forged)), {
      ok: false,
      seq: 3,
      reason: 'broken_link',
      count: 2,
    });
    const plain = chain(6);
    plain[2] = { ...plain[2]!, prevHash: 'f'.repeat(64) };
    assert.deepEqual(pick(verifyChain(plain)), { ok: false, seq: 3, reason: 'edited', count: 2 });
    const first = chain(2);
    first[0] = rehash({ ...first[0]!, prevHash: '1'.repeat(64) });
    assert.equal(pick(verifyChain(first)).seq, 1);
  });

  test('an edit that recomputes its own hash breaks the next link', () => {
    const events = chain(6);
    events[2] = rehash({ ...events[2]!, actor: 'someone-else' });
    assert.deepEqual(pick(verifyChain(events)), {
      ok: false,
      seq: 4,
      reason: 'broken_link',
      count: 3,
    });
  });

  test('the incremental verifier keeps the first break', () => {
    const events = chain(5);
    events[1] = { ...events[1]!, time: T0 };
    const verifier = new ChainVerifier();
    assert.equal(verifier.push(events[0]!), undefined);
    const broken = verifier.push(events[1]);
    assert.equal(broken?.seq, 2);
    assert.equal(verifier.push(events[2]!), broken);
    assert.equal(verifier.result, broken);
  });
});

function pick(result: ReturnType<typeof verifyChain>) {
  if (result.ok) return { ok: true, seq: 0, reason: 'none', count: result.count };
  return { ok: false, seq: result.seq, reason: result.reason, count: result.count };
}
