// Strip, then inject: what an app receives from the gateway (what the client gets back is
// downstream-headers.test.ts).
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import {
  canonicalHeaderName,
  upstreamHeaders,
  type ForwardedFor,
} from '../../../proxy/gateway/upstream-headers.js';
import { rulesWith } from './header-rules-fixture.js';
import { readCookie } from '../../../proxy/shared/cookies.js';

const forwarded: ForwardedFor = {
  clientIp: '203.0.113.7',
  proto: 'http',
  host: 'payroll.localhost',
};

const INJECT: readonly (readonly [string, string])[] = [
  ['x-jitgate-assertion', 'real.jwt.value'],
  ['X-Payroll-User', 'alice'],
  ['X-Payroll-Groups', 'staff'],
];

/** The flat list as [name, value] pairs. */
const pairs = (flat: readonly string[]): [string, string][] => {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] ?? '', flat[i + 1] ?? '']);
  return out;
};

/** Values of every header whose canonical name is `name`. */
const valuesOf = (flat: readonly string[], name: string): string[] =>
  pairs(flat)
    .filter(([n]) => canonicalHeaderName(n) === canonicalHeaderName(name))
    .map(([, v]) => v);

const flatten = (headers: readonly (readonly [string, string])[]): string[] =>
  headers.flatMap(([n, v]) => [n, v]);

void describe('canonicalHeaderName', () => {
  void test('lower-cases and reads "_" as "-"', () => {
    assert.equal(canonicalHeaderName('X_Forwarded_User'), 'x-forwarded-user');
    assert.equal(canonicalHeaderName('REMOTE_USER'), 'remote-user');
    assert.equal(canonicalHeaderName('x-jitgate-assertion'), 'x-jitgate-assertion');
  });
});

void describe('upstreamHeaders strips identity headers in every spelling', () => {
  const forged = [
    'X-Jitgate-Assertion',
    'x-jitgate-assertion',
    'x_jitgate_assertion',
    'X_JITGATE_ASSERTION',
    'X-Jitgate_Assertion',
    'X-Jitgate-Anything',
    'x_jitgate_user',
    'X-JITGATE-GRANT',
    'X-Forwarded-User',
    'X-FORWARDED-USER',
    'x_forwarded_user',
    'x_forwarded_email',
    'X-Forwarded-Groups',
    'X-Forwarded-Preferred-Username',
    'X-Forwarded-Access-Token',
    'Remote-User',
    'REMOTE_USER',
    'remote_user',
    'X-Remote-User',
    'x-auth-request-user',
    'X_AUTH_REQUEST_EMAIL',
    'X-Auth-Request-Groups',
    'X-Auth-Request-Access-Token',
    'X-WebAuth-User',
    'X-User',
    'X_EMAIL',
    // Configured extra strip names, in other spellings than configured.
    'x-legacy-identity',
    'X_LEGACY_IDENTITY',
    'X-Corp-User',
    'x_corp_user',
    // Names the resource injects.
    'x-payroll-user',
    'X_PAYROLL_USER',
    'X-Payroll-Groups',
  ];

  for (const name of forged) {
    void test(`drops an incoming ${name}`, () => {
      const out = upstreamHeaders(
        ['Host', 'payroll.localhost', name, 'forged', 'Accept', 'text/html'],
        rulesWith(),
        [],
        forwarded,
      );
      assert.ok(!out.includes('forged'), `${name} reached the app: ${JSON.stringify(out)}`);
      assert.deepEqual(valuesOf(out, 'accept'), ['text/html']);
    });
  }

  void test('the injected headers appear exactly once, with the real values, after stripping', () => {
    const raw = flatten([
      ['X-Jitgate-Assertion', 'forged'],
      ['Accept', '*/*'],
      ['x_jitgate_assertion', 'forged'],
      ['X-Payroll-User', 'mallory'],
      ['x_payroll_user', 'mallory'],
      ['X-PAYROLL-GROUPS', 'admins'],
    ]);
    const out = upstreamHeaders(raw, rulesWith(), INJECT, forwarded);
    for (const [name, value] of INJECT) assert.deepEqual(valuesOf(out, name), [value], name);
    // They come last, in the order given.
    assert.deepEqual(pairs(out).slice(-INJECT.length), INJECT);
    assert.ok(!out.includes('forged') && !out.includes('mallory') && !out.includes('admins'));
  });

  void test('an injected name the rules do not list still replaces the incoming copy', () => {
    const out = upstreamHeaders(
      ['Host', 'payroll.localhost:8080', 'X-Other', 'forged', 'x_other', 'forged'],
      rulesWith(),
      [
        ['host', 'payroll.localhost:8080'],
        ['X-Other', 'real'],
      ],
      forwarded,
    );
    assert.deepEqual(valuesOf(out, 'host'), ['payroll.localhost:8080']);
    assert.deepEqual(valuesOf(out, 'x-other'), ['real']);
  });

  void test('the client Host header is not forwarded unless injected', () => {
    // The upstream client sets Host from the upstream URL; preserveHost injects the original.
    const out = upstreamHeaders(['Host', 'payroll.localhost:8080'], rulesWith(), [], forwarded);
    assert.deepEqual(valuesOf(out, 'host'), []);
  });

  void test('ordinary headers pass through unchanged, repeated ones kept in order', () => {
    const raw = flatten([
      ['Accept', 'text/html'],
      ['X-Request-Id', 'r1'],
      ['Accept-Language', 'en'],
      ['X-Custom', 'a'],
      ['X-Custom', 'b'],
      ['Content-Type', 'application/json'],
      ['Content-Length', '2'],
      ['Authorization', 'Basic app-own'],
    ]);
    const out = upstreamHeaders(raw, rulesWith(), [], forwarded);
    const kept = pairs(out).filter(([n]) => !n.toLowerCase().startsWith('x-forwarded-'));
    assert.deepEqual(kept, pairs(raw));
  });
});

void describe('upstreamHeaders drops hop-by-hop headers', () => {
  void test('the standard ones, in any case', () => {
    const hop = [
      'Connection',
      'Keep-Alive',
      'Proxy-Connection',
      'Proxy-Authorization',
      'Proxy-Authenticate',
      'TE',
      'Trailer',
      'Transfer-Encoding',
      'Upgrade',
      'Expect',
      'HTTP2-Settings',
      'KEEP_ALIVE',
      'transfer_encoding',
    ];
    const raw = hop.flatMap((name) => [name, 'hop']);
    const out = upstreamHeaders(['Accept', '*/*', ...raw], rulesWith(), [], forwarded);
    assert.ok(!out.includes('hop'), JSON.stringify(out));
    assert.deepEqual(valuesOf(out, 'accept'), ['*/*']);
  });

  void test('and those the Connection header names', () => {
    const raw = flatten([
      ['Connection', 'keep-alive, X-Secret-Hop , x_other_hop'],
      ['X-Secret-Hop', 'hop'],
      ['X-Other-Hop', 'hop'],
      ['connection', 'X-Third'],
      ['X-Third', 'hop'],
      ['X-Kept', 'kept'],
    ]);
    const out = upstreamHeaders(raw, rulesWith(), [], forwarded);
    assert.ok(!out.includes('hop'), JSON.stringify(out));
    assert.deepEqual(valuesOf(out, 'connection'), []);
    assert.deepEqual(valuesOf(out, 'x-kept'), ['kept']);
  });
});

void describe('upstreamHeaders removes jitgate cookies', () => {
  const cookieOut = (cookie: string, cookieName?: string) =>
    valuesOf(
      upstreamHeaders(
        ['Cookie', cookie],
        rulesWith(cookieName ? { cookieName } : {}),
        [],
        forwarded,
      ),
      'cookie',
    );

  void test("keeps the app's cookies and drops jitgate's", () => {
    assert.deepEqual(
      cookieOut('theme=dark; jitgate_session=s%3Aabc; app_sid=42; jitgate_session_app=v1.x.y'),
      ['theme=dark; app_sid=42'],
    );
  });

  void test('any case and any name that starts with the cookie name or "jitgate"', () => {
    assert.deepEqual(
      cookieOut(
        'JITGATE_SESSION=a; Jitgate_Session_App=b; jitgateX=c; jitgate=d; JitGate-csrf=e; keep=1',
      ),
      ['keep=1'],
    );
    assert.deepEqual(cookieOut('corp_sso=a; corp_sso_app=b; jitgate_x=c; keep=1', 'corp_sso'), [
      'keep=1',
    ]);
  });

  void test('tolerates odd spacing and empty parts, normalising the separator', () => {
    assert.deepEqual(cookieOut(' a=1 ;;jitgate_session=x;b=2 ; ;  c=3'), ['a=1; b=2; c=3']);
  });

  void test('a cookie without "=" is judged by its whole text', () => {
    assert.deepEqual(cookieOut('jitgate_session; flag; a=1'), ['flag; a=1']);
  });

  void test('a cookie named like jitgate only in its value is kept', () => {
    assert.deepEqual(cookieOut('ref=jitgate_session; a=1'), ['ref=jitgate_session; a=1']);
  });

  void test('omits the Cookie header when nothing remains', () => {
    assert.deepEqual(cookieOut('jitgate_session=a; jitgate_session_app=b'), []);
    assert.deepEqual(cookieOut(' ; '), []);
  });

  void test('a jitgate cookie after a space or comma is part of the value before it', () => {
    assert.deepEqual(cookieOut('pref=a jitgate_session_app=v; b=2'), [
      'pref=a jitgate_session_app=v; b=2',
    ]);
    assert.deepEqual(cookieOut('\tjitgate_session_app\t=v;\tb=2'), ['b=2']);
  });

  void test('the filter drops exactly the pairs the gateway reads as its cookie', () => {
    const name = 'jitgate_session_app';
    for (const header of [
      `${name}=v`,
      `a=1;${name}=v`,
      `a=1 ${name}=v`,
      `a=1, ${name}=v`,
      `a=1,${name}=v; b=2`,
      `a=${name}=v`,
      `a=1;\t${name} = v`,
      ` ${name}=v ;a=1`,
    ]) {
      const read = readCookie({ headers: { cookie: header } } as IncomingMessage, name);
      const forwarded = cookieOut(header).join('; ');
      assert.equal(
        forwarded.includes(`${name}=v`) || forwarded.includes(`${name} = v`),
        read === undefined,
        `${header}: read ${String(read)}, forwarded ${forwarded}`,
      );
    }
  });

  void test('each Cookie line is filtered on its own', () => {
    const out = upstreamHeaders(
      ['cookie', 'a=1; jitgate_session=x', 'cookie', 'jitgate_session_app=y', 'cookie', 'b=2'],
      rulesWith(),
      [],
      forwarded,
    );
    assert.deepEqual(valuesOf(out, 'cookie'), ['a=1', 'b=2']);
  });
});

void describe('upstreamHeaders sets the forwarding headers', () => {
  const raw = flatten([
    ['X-Forwarded-For', '10.6.6.6'],
    ['x_forwarded_for', '10.6.6.7'],
    ['X-Forwarded-Host', 'evil.com'],
    ['X-Forwarded-Proto', 'https'],
    ['X-Forwarded-Port', '443'],
    ['Forwarded', 'for=10.6.6.6;host=evil.com'],
    ['X-Real-IP', '10.6.6.6'],
  ]);

  void test('replaces what the client sent unless the proxy is trusted', () => {
    const out = upstreamHeaders(raw, rulesWith(), [], forwarded);
    assert.deepEqual(pairs(out), [
      ['x-forwarded-for', '203.0.113.7'],
      ['x-forwarded-proto', 'http'],
      ['x-forwarded-host', 'payroll.localhost'],
    ]);
  });

  void test('appends the client address to every incoming X-Forwarded-For behind a trusted proxy', () => {
    const out = upstreamHeaders(raw, rulesWith({ trustProxy: true }), [], forwarded);
    assert.deepEqual(pairs(out), [
      ['x-forwarded-for', '10.6.6.6, 10.6.6.7, 203.0.113.7'],
      ['x-forwarded-proto', 'http'],
      ['x-forwarded-host', 'payroll.localhost'],
    ]);
  });

  void test('a trusted proxy that sent no X-Forwarded-For gives just the client address', () => {
    const out = upstreamHeaders([], rulesWith({ trustProxy: true }), [], {
      ...forwarded,
      proto: 'https',
    });
    assert.deepEqual(valuesOf(out, 'x-forwarded-for'), ['203.0.113.7']);
    assert.deepEqual(valuesOf(out, 'x-forwarded-proto'), ['https']);
  });

  void test('the forwarding headers come before the injected ones', () => {
    const out = pairs(upstreamHeaders(['Accept', '*/*'], rulesWith(), INJECT, forwarded));
    assert.deepEqual(
      out.map(([n]) => n),
      [
        'Accept',
        'x-forwarded-for',
        'x-forwarded-proto',
        'x-forwarded-host',
        ...INJECT.map(([n]) => n),
      ],
    );
  });
});

void describe('upstreamHeaders tolerates malformed input', () => {
  void test('an odd-length list gives the last name an empty value', () => {
    const out = upstreamHeaders(['Accept', '*/*', 'X-Dangling'], rulesWith(), [], forwarded);
    assert.deepEqual(valuesOf(out, 'x-dangling'), ['']);
  });
});
