/**
 * One kind of one-time code over the store's OneTimeCodeRepository: random codes (or a caller's
 * key, for challenges kept per session), a payload checked on the way back, an expiry, a bound
 * on how many may be outstanding, and redemption once, on whichever replica it arrives. Only
 * the SHA-256 of a code is stored, so a copy of the database redeems nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import type {
  OneTimeCode,
  OneTimeCodeKind,
  OneTimeCodeRepository,
  RateLimitRepository,
} from '../store/types.js';
import { JitgateError, RateLimited } from './errors.js';
import { RateLimiter } from './rate-limiter.js';

export interface OneTimeCodeOptions<T> {
  repo: OneTimeCodeRepository;
  kind: OneTimeCodeKind;
  ttlMs: number;
  /** Reads a stored payload back; anything it does not recognise is no code (undefined). */
  parse: (value: unknown) => T | undefined;
  now: () => number;
  /** At most this many outstanding codes of the kind: more are refused with 503 `busy`. */
  max?: number;
  /**
   * At most `max` codes issued to one owner per `ttlMs` (counted in the store, on every replica);
   * more are refused with 429 `rate_limited`. Without it one signed-in person could use up the
   * kind's `max` and so refuse everyone else's sign-ins.
   */
  perOwner?: { max: number; counters: RateLimitRepository };
}

const plausible = (code: string) => code.length > 0 && code.length <= 512;

export const hashCode = (code: string): string =>
  createHash('sha256').update(code).digest('base64url');

export class OneTimeCodes<T> {
  private readonly owners: RateLimiter | undefined;

  constructor(private readonly options: OneTimeCodeOptions<T>) {
    const perOwner = options.perOwner;
    this.owners =
      perOwner &&
      new RateLimiter(
        { max: perOwner.max, windowMs: options.ttlMs },
        `one-time-code:${options.kind}`,
        perOwner.counters,
        options.now,
      );
  }

  /** A new random code for `payload`, owned by `userId` (ending their sessions ends it). */
  async issue(payload: T, userId: string | null, ttlMs = this.options.ttlMs): Promise<string> {
    const { repo, kind, max, now } = this.options;
    if (userId !== null && this.owners) {
      const hit = await this.owners.hit(userId);
      if (!hit.allowed) throw new RateLimited(hit.retryAfterS, 'too many sign-ins started by you');
    }
    if (max !== undefined && (await repo.countLive(kind, now())) >= max)
      throw new JitgateError(503, 'busy', 'too many sign-ins under way; try again shortly');
    const code = randomBytes(32).toString('base64url');
    await this.put(code, payload, userId, ttlMs);
    return code;
  }

  /** Stores `payload` under a key the caller chose (it replaces what was under that key). */
  async put(key: string, payload: T, userId: string | null, ttlMs = this.options.ttlMs) {
    await this.options.repo.put({
      kind: this.options.kind,
      codeHash: hashCode(key),
      userId,
      payload: JSON.stringify(payload),
      expiresAt: this.options.now() + ttlMs,
    });
  }

  /** The payload of `code` if it is live; it is gone afterwards, whatever the answer. */
  async redeem(code: string): Promise<T | undefined> {
    if (!plausible(code)) return undefined;
    const { repo, kind, now } = this.options;
    return this.payloadOf(await repo.redeem(kind, hashCode(code), now()));
  }

  /**
   * What `buy` makes of the payload of `code`, if it is live and `accept`s; the code is spent
   * whatever the answer. It is taken only once `buy` is done, and what was bought is undone when
   * the code went meanwhile (a concurrent redeem, or the person's sessions ended, which deletes
   * their codes before it ends what they hold). So whatever a code buys is either in the store
   * before such an end, which ends it, or never handed out.
   */
  async redeemFor<R>(
    code: string,
    accept: (payload: T) => boolean,
    buy: (payload: T) => Promise<R>,
    undo: (bought: R) => Promise<void>,
  ): Promise<R | undefined> {
    if (!plausible(code)) return undefined;
    const { repo, kind, now } = this.options;
    const payload = this.payloadOf(await repo.find(kind, hashCode(code), now()));
    if (payload === undefined || !accept(payload)) {
      await this.redeem(code);
      return undefined;
    }
    let bought: R;
    try {
      bought = await buy(payload);
    } catch (error) {
      await this.redeem(code);
      throw error;
    }
    if ((await this.redeem(code)) !== undefined) return bought;
    await undo(bought);
    return undefined;
  }

  private payloadOf(found: OneTimeCode | undefined): T | undefined {
    if (!found) return undefined;
    try {
      return this.options.parse(JSON.parse(found.payload));
    } catch {
      return undefined;
    }
  }
}
