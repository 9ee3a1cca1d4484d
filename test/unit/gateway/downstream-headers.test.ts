// What the client gets back from an app through the gateway: no hop-by-hop headers, no cookie
// that would pass for one of jitgate's, no header that would pass for jitgate's own answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { downstreamHeaders } from '../../../proxy/gateway/upstream-headers.js';
import { rulesWith } from './header-rules-fixture.js';

void describe('downstreamHeaders', () => {
  void test('drops hop-by-hop headers and keeps the rest', () => {
    const out = downstreamHeaders(
      {
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        upgrade: 'h2c',
        'proxy-authenticate': 'Basic',
        trailer: 'x',
        'content-type': 'text/html',
        'x-app': ['a', 'b'],
        'x-missing': undefined,
      },
      rulesWith(),
    );
    assert.deepEqual(out, { 'content-type': 'text/html', 'x-app': ['a', 'b'] });
  });

  void test("drops Set-Cookie lines for jitgate's cookies and keeps the app's own", () => {
    const out = downstreamHeaders(
      {
        'set-cookie': [
          'jitgate_session=evil; Path=/; HttpOnly',
          'app_sid=1; Path=/; HttpOnly',
          ' JITGATE_SESSION_APP=evil; Path=/',
          'jitgate-other=x',
          'theme=dark',
        ],
      },
      rulesWith(),
    );
    assert.deepEqual(out, { 'set-cookie': ['app_sid=1; Path=/; HttpOnly', 'theme=dark'] });
  });

  void test('a nameless Set-Cookie is judged by the name its value passes for', () => {
    // A browser sends a nameless cookie back as its bare value: `jitgate_session_app=evil`.
    const out = downstreamHeaders(
      {
        'set-cookie': [
          '=jitgate_session_app=evil; Path=/deep',
          ' = JITGATE_SESSION=evil',
          'jitgate_session_app',
          '=theme=dark',
          'a=jitgate_session_app=v',
        ],
      },
      rulesWith(),
    );
    assert.deepEqual(out, { 'set-cookie': ['=theme=dark', 'a=jitgate_session_app=v'] });
  });

  void test("the app's own X-Jitgate-* headers never pass for jitgate's", () => {
    const out = downstreamHeaders(
      { 'X-Jitgate-Error': 'no_grant', 'x-jitgate-anything': '1', 'x-app': 'kept' },
      rulesWith(),
    );
    assert.deepEqual(out, { 'x-app': 'kept' });
  });

  void test('a single Set-Cookie string is handled like a list', () => {
    assert.deepEqual(downstreamHeaders({ 'set-cookie': 'app=1' }, rulesWith()), {
      'set-cookie': ['app=1'],
    });
    assert.deepEqual(downstreamHeaders({ 'set-cookie': 'jitgate_session=1' }, rulesWith()), {});
  });

  void test('the configured cookie name counts, not only "jitgate"', () => {
    const out = downstreamHeaders(
      { 'Set-Cookie': ['corp_sso=evil', 'corp_sso_app=evil', 'keep=1'] },
      rulesWith({ cookieName: 'corp_sso' }),
    );
    assert.deepEqual(out, { 'Set-Cookie': ['keep=1'] });
  });

  void test('drops Set-Cookie entirely when only jitgate cookies were set', () => {
    const out = downstreamHeaders(
      { 'set-cookie': ['jitgate_session=x'], 'content-length': '0' },
      rulesWith(),
    );
    assert.deepEqual(out, { 'content-length': '0' });
  });
});
