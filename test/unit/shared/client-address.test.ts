/** The key per-client limits count under: a client cannot choose it, nor rotate past it. */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { clientKey } from '../../../proxy/shared/client-address.js';
import { RateLimiter } from '../../../proxy/shared/rate-limiter.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';

const request = (remoteAddress: string, forwarded?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage;

void describe('clientKey', () => {
  void it('is the peer without a trusted proxy, whatever X-Forwarded-For says', () => {
    assert.equal(clientKey(request('10.0.0.7', '1.2.3.4'), false), '10.0.0.7');
    assert.equal(clientKey(request('::ffff:10.0.0.7'), false), '10.0.0.7');
  });

  void it('is the last X-Forwarded-For address behind a trusted proxy', () => {
    assert.equal(clientKey(request('10.0.0.1', '6.6.6.6, 198.51.100.9'), true), '198.51.100.9');
    assert.equal(clientKey(request('10.0.0.1'), true), '10.0.0.1');
  });

  void it('counts IPv6 per /64, however the address is written', () => {
    const a = clientKey(request('2001:db8:0:1::5'), false);
    assert.equal(a, '2001:db8:0:1::/64');
    assert.equal(clientKey(request('2001:DB8:0000:0001:ffff:1:2:3'), false), a);
    assert.equal(clientKey(request('::1'), false), '0:0:0:0::/64');
  });
});

void describe('RateLimiter', () => {
  void it('allows max events per window, then says how long to wait', async () => {
    let now = 0;
    const counters = openSqliteStore(':memory:').rateLimits;
    const limiter = new RateLimiter({ max: 2, windowMs: 10_000 }, 'test', counters, () => now);
    assert.equal((await limiter.hit('a')).allowed, true);
    assert.equal(await limiter.blocked('a'), undefined);
    assert.equal((await limiter.hit('a')).allowed, true);
    assert.equal(await limiter.blocked('a'), 10);
    now = 4_000;
    assert.deepEqual(await limiter.hit('a'), { count: 3, allowed: false, retryAfterS: 6 });
    assert.equal((await limiter.hit('b')).allowed, true, 'another key has its own window');
    now = 10_000;
    assert.equal((await limiter.hit('a')).count, 1, 'a new window');
  });

  void it('keeps the counts of two limits apart (scopes)', async () => {
    const counters = openSqliteStore(':memory:').rateLimits;
    const starts = new RateLimiter({ max: 1, windowMs: 60_000 }, 'starts', counters, () => 0);
    const failures = new RateLimiter({ max: 1, windowMs: 60_000 }, 'failures', counters, () => 0);
    assert.equal((await starts.hit('a')).allowed, true);
    assert.equal((await failures.hit('a')).allowed, true);
  });
});
