/**
 * The audit hash chain, pure: how an event is hashed and how a sequence of events is checked.
 * Each event's hash covers the previous event's hash, so changing, removing or moving any event
 * breaks every link after it unless the whole tail is rewritten — which is why `verify` prints
 * the head hash: kept somewhere else, it also catches a rewritten or truncated tail.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, JsonValue } from './types.js';

/** The prevHash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** How far from its position a moved event is still recognised as moved rather than edited. */
const MOVE_WINDOW = 1000;

/**
 * JSON with object keys sorted (by UTF-16 code units, as Array.prototype.sort does) and no
 * whitespace, so the same event always hashes the same whatever order its keys were built in.
 * Keys whose value is undefined are left out, exactly as JSON.stringify does.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const parts = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`);
  return `{${parts.join(',')}}`;
}

/** sha256(prevHash + "\n" + canonical JSON of every field except `hash`), hex. */
export function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  const body: Record<string, JsonValue> = {
    seq: event.seq,
    time: event.time,
    code: event.code,
    actor: event.actor,
    target: event.target,
    reason: event.reason,
    data: event.data,
    prevHash: event.prevHash,
  };
  return createHash('sha256')
    .update(`${event.prevHash}\n${canonicalJson(body)}`)
    .digest('hex');
}

export type ChainBreakReason = 'edited' | 'deleted' | 'reordered' | 'broken_link';

export interface ChainIntact {
  ok: true;
  /** Events checked. */
  count: number;
  /** Hash of the last event (GENESIS_HASH when there is none). */
  head: string;
}

export interface ChainBroken {
  ok: false;
  /** The first seq at which the chain is not intact. */
  seq: number;
  reason: ChainBreakReason;
  detail: string;
  /** Events found intact before the break. */
  count: number;
}

export type VerifyResult = ChainIntact | ChainBroken;

/**
 * Checks events fed one at a time in seq order, keeping only the last link, so a log of any
 * length verifies in constant memory. The first break is final: later events are not judged
 * against a chain already known to be broken.
 */
export class ChainVerifier {
  private count = 0;
  private lastSeq = 0;
  private head = GENESIS_HASH;
  private broken: ChainBroken | undefined;

  /** Checks the next event; returns the break once one is found. */
  push(event: AuditEvent): ChainBroken | undefined {
    if (this.broken) return this.broken;
    const expected = this.lastSeq + 1;
    if (event.seq > expected) {
      const missing = event.seq - 1 > expected ? `${expected}–${event.seq - 1}` : `${expected}`;
      return this.fail(expected, 'deleted', `seq ${missing} missing before seq ${event.seq}`);
    }
    if (event.seq < expected)
      return this.fail(event.seq, 'reordered', `seq ${event.seq} comes after seq ${this.lastSeq}`);
    if (hashEvent(event) !== event.hash) {
      const writtenAs = this.writtenAs(event);
      return writtenAs === undefined
        ? this.fail(event.seq, 'edited', 'the event does not match its hash')
        : this.fail(event.seq, 'reordered', `the event here was written as seq ${writtenAs}`);
    }
    if (event.prevHash !== this.head) {
      const previous = this.lastSeq === 0 ? 'the genesis hash' : `the hash of seq ${this.lastSeq}`;
      return this.fail(event.seq, 'broken_link', `prevHash is not ${previous}`);
    }
    this.count++;
    this.lastSeq = event.seq;
    this.head = event.hash;
    return undefined;
  }

  get result(): VerifyResult {
    return this.broken ?? { ok: true, count: this.count, head: this.head };
  }

  /** An intact event moved to another seq hashes right under the seq it was written with. */
  private writtenAs(event: AuditEvent): number | undefined {
    for (let distance = 1; distance <= MOVE_WINDOW; distance++) {
      for (const seq of [event.seq - distance, event.seq + distance]) {
        if (seq >= 1 && hashEvent({ ...event, seq }) === event.hash) return seq;
      }
    }
    return undefined;
  }

  private fail(seq: number, reason: ChainBreakReason, detail: string): ChainBroken {
    this.broken = { ok: false, seq, reason, detail, count: this.count };
    return this.broken;
  }
}

export function verifyChain(events: Iterable<AuditEvent>): VerifyResult {
  const verifier = new ChainVerifier();
  for (const event of events) if (verifier.push(event)) break;
  return verifier.result;
}
