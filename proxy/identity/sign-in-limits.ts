/**
 * What a client without a session may cost: sign-in starts and failed sign-ins are counted per
 * client address (shared/client-address.ts) in fixed windows (`rateLimits` in the config). Past
 * a limit the client gets 429 `rate_limited` with Retry-After. A client that used up its
 * failures may not start a sign-in either, and its callbacks are refused before any work. Failed
 * sign-ins are audited while the client is within its limit, and once more when it reaches it
 * (`auth.rate_limited`): the audit log grows by at most limit + 1 events per client and window.
 * The counters live in the store, so the limits hold across every replica together. A store
 * that cannot count fails the sign-in (503 store_unavailable): fail closed, as everywhere.
 */
import type { Request } from 'express';
import type { AuditLog } from '../audit/audit-log.js';
import type { LoginFailureReason } from '../audit/codes.js';
import { RateLimited } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { RateLimitRepository } from '../store/types.js';
import { RateLimiter, type RateLimit } from '../shared/rate-limiter.js';
import '../shared/request-id.js';

export interface SignInLimitsDeps {
  starts: RateLimit;
  failures: RateLimit;
  /** Where the counts are kept (the store: shared by every replica). */
  counters: RateLimitRepository;
  /** The key a request counts under (its client address). */
  clientOf(req: Request): string;
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
  now: () => number;
}

export class SignInLimits {
  private readonly starts: RateLimiter;
  private readonly failures: RateLimiter;

  constructor(private readonly deps: SignInLimitsDeps) {
    this.starts = new RateLimiter(deps.starts, 'sign-in-start', deps.counters, deps.now);
    this.failures = new RateLimiter(deps.failures, 'sign-in-failure', deps.counters, deps.now);
  }

  /**
   * Before a sign-in goes to the IdP; throws RateLimited past either limit. One store call: a
   * client that used up its failures is refused without its start being counted.
   */
  async start(req: Request): Promise<void> {
    const client = this.deps.clientOf(req);
    const counted = await this.starts.hitUnlessBlocked(client, this.failures);
    if ('blockedS' in counted) throw tooManyFailures(counted.blockedS);
    const { hit } = counted;
    if (hit.allowed) return;
    if (hit.count === this.starts.limit.max + 1) await this.limited(req, client, 'starts');
    throw new RateLimited(hit.retryAfterS, 'too many sign-ins started from your address');
  }

  /** Before a callback is looked at; throws RateLimited when the client failed too often. */
  beforeCallback(req: Request): Promise<void> {
    return this.refuseFailing(this.deps.clientOf(req));
  }

  /** A refused sign-in: audited while the client is within its limit, and when it reaches it. */
  async failed(req: Request, idp: string | null, reason: LoginFailureReason): Promise<void> {
    const client = this.deps.clientOf(req);
    const hit = await this.failures.hit(client);
    if (!hit.allowed) return;
    await this.record(req, {
      code: 'auth.login_failed',
      actor: 'anonymous',
      target: idp,
      reason,
      data: { client },
    });
    if (hit.count === this.failures.limit.max) await this.limited(req, client, 'failures');
  }

  private async refuseFailing(client: string) {
    const wait = await this.failures.blocked(client);
    if (wait !== undefined) throw tooManyFailures(wait);
  }

  private limited(req: Request, client: string, limit: 'starts' | 'failures') {
    const { max, windowMs } = limit === 'starts' ? this.starts.limit : this.failures.limit;
    this.deps.log.warn('sign-in rate limit reached', { client, limit, requestId: req.id });
    return this.record(req, {
      code: 'auth.rate_limited',
      actor: 'anonymous',
      reason: `sign-in ${limit}`,
      data: { client, limit, max, windowMs },
    });
  }

  /** A record that cannot be written does not change the answer; the log says it was lost. */
  private async record(req: Request, event: Parameters<AuditLog['record']>[0]) {
    await this.deps.audit
      .record(event)
      .catch((error: unknown) =>
        this.deps.log.error('sign-in event not audited', { requestId: req.id, error }),
      );
  }
}

const tooManyFailures = (wait: number) =>
  new RateLimited(wait, 'too many failed sign-ins from your address');
