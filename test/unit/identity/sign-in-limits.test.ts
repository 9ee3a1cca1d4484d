// A sign-in start is checked against both of the client's limits in one store call: refused
// without being counted once the client used up its failures (its own wait in Retry-After),
// else counted, and refused past the starts limit, audited once when it is first passed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import type { AuditEvent, AuditEventInput } from '../../../proxy/audit/types.js';
import { SignInLimits } from '../../../proxy/identity/sign-in-limits.js';
import { RateLimited } from '../../../proxy/shared/errors.js';
import type { Logger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { RateLimitRepository } from '../../../proxy/store/types.js';

const MIN = 60_000;
const T0 = 1_000_000;
const request = { id: 'r1' } as Request;

function setup() {
  const counters = openSqliteStore(':memory:').rateLimits;
  /** The store calls each sign-in step made. */
  const calls: string[] = [];
  const counted: RateLimitRepository = {
    hit: (...args) => (calls.push('hit'), counters.hit(...args)),
    hitUnlessSpent: (...args) => (calls.push('hitUnlessSpent'), counters.hitUnlessSpent(...args)),
    peek: (...args) => (calls.push('peek'), counters.peek(...args)),
    purgeExpired: (...args) => (calls.push('purgeExpired'), counters.purgeExpired(...args)),
  };
  const audited: AuditEventInput[] = [];
  let now = T0;
  const limits = new SignInLimits({
    starts: { max: 3, windowMs: 10 * MIN },
    failures: { max: 2, windowMs: MIN },
    counters: counted,
    clientOf: () => '192.0.2.1',
    audit: {
      record: (event) => {
        audited.push(event);
        return Promise.resolve({} as AuditEvent);
      },
    },
    log: { error: () => undefined, warn: () => undefined } as unknown as Logger,
    now: () => now,
  });
  return { limits, counters, calls, audited, later: (ms: number) => (now += ms) };
}

const refusal = (message: RegExp, retryAfterS: number) => (error: unknown) =>
  error instanceof RateLimited && message.test(error.message) && error.retryAfterS === retryAfterS;

void describe('sign-in limits', () => {
  void it('a start is one store call', async () => {
    const { limits, calls } = setup();
    await limits.start(request);
    assert.deepEqual(calls, ['hitUnlessSpent']);
  });

  void it('a client that used up its failures may not start, and the start is not counted', async () => {
    const { limits, counters, later } = setup();
    await limits.failed(request, 'corp', 'login_failed');
    await limits.failed(request, 'corp', 'login_failed');
    later(20_000);
    await assert.rejects(limits.start(request), refusal(/failed sign-ins/, 40));
    assert.equal(await counters.peek('sign-in-start:192.0.2.1', T0 + 20_000), undefined);
    later(40_000); // the failures' window ended
    await limits.start(request);
    assert.equal((await counters.peek('sign-in-start:192.0.2.1', T0 + MIN))?.count, 1);
  });

  void it('starts past their limit are refused, audited once when it is first passed', async () => {
    const { limits, audited } = setup();
    for (let i = 0; i < 3; i++) await limits.start(request);
    await assert.rejects(limits.start(request), refusal(/sign-ins started/, 600));
    await assert.rejects(limits.start(request), refusal(/sign-ins started/, 600));
    assert.deepEqual(
      audited.map((event) => [event.code, event.reason]),
      [['auth.rate_limited', 'sign-in starts']],
    );
  });
});
