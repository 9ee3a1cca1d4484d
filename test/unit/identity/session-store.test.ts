// When a session ends: the earlier of the idle timeout (from last use) and the absolute lifetime
// (from login); before login, just long enough to finish logging in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sessionExpiry, type SessionLifetime } from '../../../proxy/identity/session-store.js';
import type { SessionUser } from '../../../proxy/identity/session-user.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const HOUR = 60 * MIN;

const lifetime = (now: number): SessionLifetime => ({
  maxAgeMs: 12 * HOUR,
  idleTimeoutMs: HOUR,
  now: () => now,
});

const user = (loginAt: number): SessionUser => ({
  id: 'corp:alice',
  idp: 'corp',
  username: 'alice',
  email: null,
  name: null,
  groups: [],
  kind: 'person',
  loginAt,
});

const data = (loginAt: number) => JSON.stringify({ cookie: {}, user: user(loginAt) });

void describe('sessionExpiry', () => {
  void test('early in a session the idle timeout decides', () => {
    assert.equal(sessionExpiry(data(T0), lifetime(T0 + MIN)), T0 + MIN + HOUR);
  });

  void test('each use moves the idle end forward', () => {
    assert.equal(sessionExpiry(data(T0), lifetime(T0 + 5 * HOUR)), T0 + 6 * HOUR);
  });

  void test('near the absolute lifetime the login time decides', () => {
    assert.equal(sessionExpiry(data(T0), lifetime(T0 + 11.5 * HOUR)), T0 + 12 * HOUR);
    assert.equal(sessionExpiry(data(T0), lifetime(T0 + 11 * HOUR)), T0 + 12 * HOUR);
    assert.equal(sessionExpiry(data(T0), lifetime(T0 + 20 * HOUR)), T0 + 12 * HOUR);
  });

  void test('an idle timeout longer than the lifetime never extends it', () => {
    const long: SessionLifetime = { maxAgeMs: HOUR, idleTimeoutMs: 24 * HOUR, now: () => T0 };
    assert.equal(sessionExpiry(data(T0), long), T0 + HOUR);
  });

  void test('before login a session lives at most 15 minutes', () => {
    const pending = JSON.stringify({ cookie: {}, mfaLogin: { startedAt: T0 } });
    assert.equal(sessionExpiry(pending, lifetime(T0)), T0 + 15 * MIN);
    const shortIdle: SessionLifetime = { maxAgeMs: HOUR, idleTimeoutMs: 5 * MIN, now: () => T0 };
    assert.equal(sessionExpiry(pending, shortIdle), T0 + 5 * MIN);
  });

  void test('malformed data or a malformed user counts as not logged in', () => {
    for (const bad of [
      'not json',
      '',
      'null',
      '{"user":{"id":"x"}}',
      '{"user":{"id":"x","loginAt":"yesterday","groups":[],"username":"x"}}',
    ])
      assert.equal(sessionExpiry(bad, lifetime(T0)), T0 + 15 * MIN, bad);
  });
});
