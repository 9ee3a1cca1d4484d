// Reading the app-host cookie on the hot path: exact name matching without a full parse, and
// the verified-cookie cache keyed by host.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { AppSessionReader, readCookie } from '../../../proxy/gateway/app-session.js';
import { signAppCookie } from '../../../proxy/identity/app-cookie.js';

const NAME = 'jitgate_session_app';

/** Only `headers.cookie` is read. */
const requestWith = (cookie: string | undefined) =>
  ({ headers: cookie === undefined ? {} : { cookie } }) as IncomingMessage;

const read = (cookie: string | undefined) => readCookie(requestWith(cookie), NAME);

void describe('readCookie', () => {
  void test('finds the cookie anywhere in the header', () => {
    assert.equal(read('jitgate_session_app=v'), 'v');
    assert.equal(read('a=1; jitgate_session_app=v'), 'v');
    assert.equal(read('jitgate_session_app=v; a=1'), 'v');
    assert.equal(read('a=1; jitgate_session_app=v; b=2'), 'v');
    assert.equal(read('a=1;jitgate_session_app=v;b=2'), 'v');
  });

  void test('no header, empty header, or no such cookie', () => {
    assert.equal(read(undefined), undefined);
    assert.equal(read(''), undefined);
    assert.equal(read('a=1; b=2'), undefined);
    assert.equal(read('jitgate_session=v'), undefined);
  });

  void test('a name that ends with the wanted one does not match', () => {
    assert.equal(read('xjitgate_session_app=1'), undefined);
    assert.equal(read('xjitgate_session_app=1; jitgate_session_app=2'), '2');
    assert.equal(read('a_jitgate_session_app=1;jitgate_session_app=2'), '2');
    assert.equal(read('__Host-jitgate_session_app=1'), undefined);
  });

  void test('a name that merely starts with the wanted one does not match', () => {
    assert.equal(read('jitgate_session_app2=1'), undefined);
    assert.equal(read('jitgate_session_apps=1; jitgate_session_app=2'), '2');
  });

  void test('the name inside another cookie value does not match', () => {
    assert.equal(read('other=jitgate_session_app=evil'), undefined);
    assert.equal(read('other=jitgate_session_app=evil; jitgate_session_app=good'), 'good');
  });

  void test('only ";" separates cookies (RFC 6265): a space or comma is inside a value', () => {
    assert.equal(read('pref=a jitgate_session_app=evil'), undefined);
    assert.equal(read('pref=a, jitgate_session_app=evil'), undefined);
    assert.equal(read('pref=a,jitgate_session_app=evil'), undefined);
    assert.equal(read('pref=a jitgate_session_app=evil; jitgate_session_app=good'), 'good');
  });

  void test('spaces and tabs around a name are not part of it; a pair without "=" has no value', () => {
    assert.equal(read('a=1;\tjitgate_session_app =v'), 'v');
    assert.equal(read('jitgate_session_app; jitgate_session_app=v'), 'v');
    assert.equal(read('jitgate_session_app'), undefined);
  });

  void test('the first occurrence wins', () => {
    assert.equal(read('jitgate_session_app=first; jitgate_session_app=second'), 'first');
    assert.equal(read('a=1; jitgate_session_app=first; jitgate_session_app=second'), 'first');
  });

  void test('surrounding whitespace of the value is trimmed', () => {
    assert.equal(read('jitgate_session_app=  v  ; a=1'), 'v');
    assert.equal(read('a=1;   jitgate_session_app=v\t'), 'v');
  });

  void test('an empty value is returned as empty', () => {
    assert.equal(read('jitgate_session_app=; a=1'), '');
    assert.equal(read('jitgate_session_app='), '');
  });

  void test('the value keeps "=" and dots (signed values)', () => {
    assert.equal(read('jitgate_session_app=v1.c2lk.mac=='), 'v1.c2lk.mac==');
  });
});

void describe('AppSessionReader', () => {
  const secret = 'app-cookie-secret-0123456789abcdef';
  const host = 'payroll.localhost';

  void test('returns the session id for a cookie signed for this host', () => {
    const reader = new AppSessionReader(NAME, () => [secret]);
    const cookie = `${NAME}=${signAppCookie('sid-1', host, secret)}`;
    assert.equal(reader.sessionId(requestWith(cookie), host), 'sid-1');
    // A second read comes from the cache and says the same.
    assert.equal(reader.sessionId(requestWith(cookie), host), 'sid-1');
  });

  void test('a cookie cached for one host is not accepted on another', () => {
    const reader = new AppSessionReader(NAME, () => [secret]);
    const cookie = `${NAME}=${signAppCookie('sid-1', host, secret)}`;
    assert.equal(reader.sessionId(requestWith(cookie), host), 'sid-1');
    assert.equal(reader.sessionId(requestWith(cookie), 'other.localhost'), undefined);
  });

  void test('refuses missing, oversized and wrongly signed cookies', () => {
    const reader = new AppSessionReader(NAME, () => [secret]);
    assert.equal(reader.sessionId(requestWith(undefined), host), undefined);
    assert.equal(reader.sessionId(requestWith(`${NAME}=`), host), undefined);
    assert.equal(reader.sessionId(requestWith(`${NAME}=${'a'.repeat(513)}`), host), undefined);
    const forged = signAppCookie('sid-1', host, 'another-secret');
    assert.equal(reader.sessionId(requestWith(`${NAME}=${forged}`), host), undefined);
  });

  void test('the cache stays bounded', () => {
    const reader = new AppSessionReader(NAME, () => [secret], 2);
    for (const sid of ['a', 'b', 'c', 'a']) {
      const cookie = `${NAME}=${signAppCookie(sid, host, secret)}`;
      assert.equal(reader.sessionId(requestWith(cookie), host), sid);
    }
  });
});
