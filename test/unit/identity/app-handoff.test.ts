// One-time handoff codes from the portal to an app host: single use, one origin, short-lived.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppHandoff } from '../../../proxy/identity/app-handoff.js';

const ORIGIN = 'http://payroll.localhost:8080';

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

void describe('AppHandoff', () => {
  void test('a code redeems once, for its origin, with the session and path', () => {
    const clock = manualClock();
    const handoff = new AppHandoff(clock.now);
    const code = handoff.issue('sid-1', ORIGIN, '/reports?month=5');
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(handoff.redeem(code, ORIGIN), { sid: 'sid-1', path: '/reports?month=5' });
    assert.equal(handoff.redeem(code, ORIGIN), undefined);
  });

  void test('codes are distinct and independent', () => {
    const handoff = new AppHandoff(manualClock().now);
    const a = handoff.issue('sid-a', ORIGIN, '/a');
    const b = handoff.issue('sid-b', ORIGIN, '/b');
    assert.notEqual(a, b);
    assert.deepEqual(handoff.redeem(b, ORIGIN), { sid: 'sid-b', path: '/b' });
    assert.deepEqual(handoff.redeem(a, ORIGIN), { sid: 'sid-a', path: '/a' });
  });

  void test('another origin cannot redeem a code, and the attempt burns it', () => {
    const handoff = new AppHandoff(manualClock().now);
    const code = handoff.issue('sid-1', ORIGIN, '/');
    for (const other of [
      'http://evil.localhost:8080',
      'https://payroll.localhost:8080',
      'http://payroll.localhost:9999',
    ]) {
      assert.equal(handoff.redeem(handoff.issue('sid-1', ORIGIN, '/'), other), undefined, other);
    }
    assert.equal(handoff.redeem(code, 'http://evil.localhost:8080'), undefined);
    assert.equal(handoff.redeem(code, ORIGIN), undefined);
  });

  void test('unknown codes redeem nothing', () => {
    const handoff = new AppHandoff(manualClock().now);
    assert.equal(handoff.redeem('', ORIGIN), undefined);
    assert.equal(handoff.redeem('nope', ORIGIN), undefined);
    assert.equal(handoff.redeem('__proto__', ORIGIN), undefined);
  });

  void test('a code expires after the ttl (one minute by default)', () => {
    const clock = manualClock();
    const handoff = new AppHandoff(clock.now);
    const early = handoff.issue('sid-1', ORIGIN, '/');
    const late = handoff.issue('sid-2', ORIGIN, '/');
    clock.advance(59_999);
    assert.deepEqual(handoff.redeem(early, ORIGIN), { sid: 'sid-1', path: '/' });
    clock.advance(1);
    assert.equal(handoff.redeem(late, ORIGIN), undefined);
  });

  void test('a custom ttl is honoured', () => {
    const clock = manualClock();
    const handoff = new AppHandoff(clock.now, 5_000);
    const code = handoff.issue('sid-1', ORIGIN, '/');
    clock.advance(5_000);
    assert.equal(handoff.redeem(code, ORIGIN), undefined);
  });

  void test('expired codes are swept when new ones are issued', () => {
    const clock = manualClock();
    const handoff = new AppHandoff(clock.now, 1_000);
    const stale = handoff.issue('sid-1', ORIGIN, '/');
    clock.advance(1_000);
    handoff.issue('sid-2', ORIGIN, '/');
    // Moving the clock back cannot revive a swept code.
    clock.advance(-1_000);
    assert.equal(handoff.redeem(stale, ORIGIN), undefined);
  });
});
