// One-time handoff codes from the portal to an app host: single use, one origin, short-lived,
// bound to the browser that started the handoff (its verifier), kept in the store so another
// replica (or the same one after a restart) redeems them. One person cannot use up the codes
// everyone shares (10,000 outstanding): a person gets 100 a minute, then 429.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  AppHandoff,
  bindingChallenge,
  isBindingChallenge,
  newBindingVerifier,
} from '../../../proxy/identity/app-handoff.js';
import { RateLimited } from '../../../proxy/shared/errors.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';

const ORIGIN = 'http://payroll.localhost:8080';
const store = openSqliteStore(':memory:');
after(() => store.close());
const repos = { codes: store.oneTimeCodes, counters: store.rateLimits };

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

function setup(ttlMs?: number) {
  const clock = manualClock();
  const handoff = new AppHandoff(repos, clock.now, ttlMs);
  const verifier = newBindingVerifier();
  const issue = (sid = 'sid-1', path = '/', bound = verifier) =>
    handoff.issue(sid, 'corp:alice', ORIGIN, path, bindingChallenge(bound));
  return { clock, handoff, verifier, issue };
}

void describe('AppHandoff', () => {
  void test('a code redeems once, for its origin and browser, with the session and path', async () => {
    const { handoff, verifier, issue } = setup();
    const code = await issue('sid-1', '/reports?month=5');
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await handoff.redeem(code, ORIGIN, verifier), {
      sid: 'sid-1',
      path: '/reports?month=5',
    });
    assert.equal(await handoff.redeem(code, ORIGIN, verifier), undefined);
  });

  void test('another browser (no verifier, or its own) gets nothing, and burns the code', async () => {
    const { handoff, verifier, issue } = setup();
    for (const other of [undefined, '', newBindingVerifier(), bindingChallenge(verifier)]) {
      assert.equal(await handoff.redeem(await issue(), ORIGIN, other), undefined, String(other));
    }
    const code = await issue();
    assert.equal(await handoff.redeem(code, ORIGIN, newBindingVerifier()), undefined);
    assert.equal(await handoff.redeem(code, ORIGIN, verifier), undefined, 'spent');
  });

  void test('another origin cannot redeem a code, and the attempt burns it', async () => {
    const { handoff, verifier, issue } = setup();
    for (const other of [
      'http://evil.localhost:8080',
      'https://payroll.localhost:8080',
      'http://payroll.localhost:9999',
    ]) {
      assert.equal(await handoff.redeem(await issue(), other, verifier), undefined, other);
    }
    const code = await issue();
    assert.equal(await handoff.redeem(code, 'http://evil.localhost:8080', verifier), undefined);
    assert.equal(await handoff.redeem(code, ORIGIN, verifier), undefined);
  });

  void test('codes are distinct and independent', async () => {
    const { handoff, verifier, issue } = setup();
    const a = await issue('sid-a', '/a');
    const b = await issue('sid-b', '/b');
    assert.notEqual(a, b);
    assert.deepEqual(await handoff.redeem(b, ORIGIN, verifier), { sid: 'sid-b', path: '/b' });
    assert.deepEqual(await handoff.redeem(a, ORIGIN, verifier), { sid: 'sid-a', path: '/a' });
  });

  void test('unknown codes redeem nothing', async () => {
    const { handoff, verifier } = setup();
    for (const code of ['', 'nope', '__proto__', 'x'.repeat(600)])
      assert.equal(await handoff.redeem(code, ORIGIN, verifier), undefined);
  });

  void test('a code expires after the ttl (one minute by default)', async () => {
    const { clock, handoff, verifier, issue } = setup();
    const early = await issue('sid-1');
    const late = await issue('sid-2');
    clock.advance(59_999);
    assert.deepEqual(await handoff.redeem(early, ORIGIN, verifier), { sid: 'sid-1', path: '/' });
    clock.advance(1);
    assert.equal(await handoff.redeem(late, ORIGIN, verifier), undefined);
  });

  void test('another replica (or the same after a restart) redeems it, once', async () => {
    const { clock, verifier, issue } = setup();
    const code = await issue('sid-9', '/x');
    const elsewhere = new AppHandoff(repos, clock.now);
    const answers = await Promise.all([
      elsewhere.redeem(code, ORIGIN, verifier),
      elsewhere.redeem(code, ORIGIN, verifier),
    ]);
    assert.deepEqual(
      answers.filter((a) => a !== undefined),
      [{ sid: 'sid-9', path: '/x' }],
    );
  });

  void test('one person gets 100 codes a minute; everyone else still gets theirs', async () => {
    const { clock, handoff, verifier } = setup();
    const issueFor = (user: string) =>
      handoff.issue('sid-m', user, ORIGIN, '/', bindingChallenge(verifier));
    for (let i = 0; i < 100; i++) await issueFor('corp:mallory');
    await assert.rejects(issueFor('corp:mallory'), (error: unknown) => {
      assert.ok(error instanceof RateLimited);
      assert.equal(error.status, 429);
      return true;
    });
    assert.match(await issueFor('corp:bob'), /^[A-Za-z0-9_-]{43}$/);
    clock.advance(60_000);
    assert.match(await issueFor('corp:mallory'), /^[A-Za-z0-9_-]{43}$/, 'a minute later');
  });

  void test('the challenge names the verifier without revealing it', () => {
    const verifier = newBindingVerifier();
    assert.ok(isBindingChallenge(bindingChallenge(verifier)));
    assert.notEqual(bindingChallenge(verifier), verifier);
    assert.notEqual(bindingChallenge(verifier), bindingChallenge(newBindingVerifier()));
    for (const bad of [undefined, '', 'short', 'x'.repeat(44), 'a'.repeat(42) + '!'])
      assert.equal(isBindingChallenge(bad), false);
  });
});
