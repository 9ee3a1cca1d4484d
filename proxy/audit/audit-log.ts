/**
 * The append-only audit log. Appends run inside the store's serialized transaction, so each
 * event reads the true last event and the chain never forks, and an action and the event that
 * records it commit or roll back together: an audit write that fails fails the action.
 */
import { JitgateError } from '../shared/errors.js';
import { hasLoneSurrogate } from '../shared/lone-surrogate.js';
import { yieldToEventLoop } from '../shared/yield.js';
import type { Store } from '../store/types.js';
import { isAuditCode } from './codes.js';
import { ChainVerifier, GENESIS_HASH, hashEvent, type VerifyResult } from './hash-chain.js';
import type {
  AuditEvent,
  AuditEventInput,
  AuditFilter,
  AuditRepository,
  JsonValue,
} from './types.js';

export const MAX_AUDIT_STRING = 1000;
export const MAX_AUDIT_DATA_BYTES = 16 * 1024;
/** Page size for verify and export: memory stays flat however long the log is. */
export const AUDIT_PAGE = 1000;

/** Filters for export: everything but the paging, which export does itself. */
export type AuditExportFilter = Omit<AuditFilter, 'limit' | 'afterSeq' | 'beforeSeq' | 'order'>;

const invalid = (message: string) => new JitgateError(400, 'invalid_audit_event', message);

function text(name: string, value: unknown, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw invalid(`${name} is required`);
    return null;
  }
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  if (required && value === '') throw invalid(`${name} must not be empty`);
  if (value.length > MAX_AUDIT_STRING)
    throw invalid(`${name} is longer than ${MAX_AUDIT_STRING} characters`);
  // Stored as UTF-8, the text would read back changed and no longer match its hash: refused
  // instead of recording a false "edited".
  if (hasLoneSurrogate(value)) throw invalid(`${name} is not valid Unicode`);
  return value;
}

/** The data as it will read back from storage: JSON round-tripped, so its hash stays true. */
function data(value: unknown): Record<string, JsonValue> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('data must be an object');
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    throw invalid('data must be plain JSON');
  }
  if (Buffer.byteLength(json) > MAX_AUDIT_DATA_BYTES)
    throw invalid(`data is larger than ${MAX_AUDIT_DATA_BYTES} bytes as JSON`);
  return JSON.parse(json) as Record<string, JsonValue>;
}

export class AuditLog {
  constructor(
    private readonly repo: AuditRepository,
    private readonly store: Pick<Store, 'atomic'>,
    private readonly now: () => number,
  ) {}

  /**
   * Appends one event. Call it only inside `store.atomic`, together with the action it records.
   * (Outside it, two appends could read the same last event; the repository's unique seq then
   * fails the second one rather than forking the chain.)
   */
  async append(input: AuditEventInput): Promise<AuditEvent> {
    const code = text('code', input.code, true) ?? '';
    if (!isAuditCode(code)) throw invalid(`unknown audit code "${code.slice(0, 64)}"`);
    const fields = {
      code,
      actor: text('actor', input.actor, true) ?? '',
      target: text('target', input.target, false),
      reason: text('reason', input.reason, false),
      data: data(input.data),
    };
    const last = await this.repo.last();
    const unhashed = {
      seq: (last?.seq ?? 0) + 1,
      time: Math.floor(this.now()),
      ...fields,
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const event: AuditEvent = { ...unhashed, hash: hashEvent(unhashed) };
    await this.repo.insert(event);
    return event;
  }

  /** Records an event that goes with no other write (its own transaction). */
  record(input: AuditEventInput): Promise<AuditEvent> {
    return this.store.atomic(() => this.append(input));
  }

  /**
   * Reads run inside atomic too: the store may share one connection between transactions, and a
   * read outside would see another caller's events before they commit (or roll back).
   */
  list(filter: AuditFilter): Promise<AuditEvent[]> {
    const limit = Math.min(Math.max(1, Math.floor(filter.limit)), AUDIT_PAGE);
    return this.store.atomic(() => this.repo.list({ ...filter, limit }));
  }

  /** Checks the whole chain from seq 1, one page at a time. */
  async verify(): Promise<VerifyResult> {
    const verifier = new ChainVerifier();
    let from = 1;
    for (;;) {
      const page = await this.store.atomic(() => this.repo.scan(from, AUDIT_PAGE));
      for (const event of page) if (verifier.push(event)) return verifier.result;
      const last = page.at(-1);
      if (!last || page.length < AUDIT_PAGE) return verifier.result;
      from = last.seq + 1;
      await yieldToEventLoop();
    }
  }

  /**
   * Writes matching events as JSON lines, oldest first; returns how many. `write` may return a
   * promise to apply backpressure (a slow HTTP client), and may throw to stop the export.
   */
  async export(
    write: (line: string) => void | Promise<void>,
    filter: AuditExportFilter = {},
  ): Promise<number> {
    let count = 0;
    let afterSeq = 0;
    for (;;) {
      const page = await this.list({ ...filter, afterSeq, order: 'asc', limit: AUDIT_PAGE });
      for (const event of page) await write(JSON.stringify(event));
      count += page.length;
      const last = page.at(-1);
      if (!last || page.length < AUDIT_PAGE) return count;
      afterSeq = last.seq;
      await yieldToEventLoop();
    }
  }
}
