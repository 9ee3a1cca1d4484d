// Post-login redirects: a corpus of open-redirect tricks that must never leave the portal or the
// apps jitgate fronts, and the targets that must keep working.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkRedirect,
  safeRedirect,
  type RedirectPolicy,
} from '../../../proxy/identity/redirect.js';

const policy: RedirectPolicy = {
  portalOrigin: 'http://localhost:8080',
  isAppOrigin: (origin) => origin === 'http://payroll.localhost:8080',
};

const REFUSED: readonly string[] = [
  // Protocol-relative and the backslash forms browsers read as such.
  '//evil.com',
  '///evil.com',
  '/\\evil.com',
  '\\\\evil.com',
  '\\/evil.com',
  '/%5cevil.com',
  '/%5Cevil.com',
  '%2f%2fevil.com',
  '%2F%2Fevil.com',
  '/%2f%2fevil.com',
  '/%2F%2Fevil.com',
  // Paths that normalise to "//host" once dot segments are resolved.
  '/..//evil.com',
  '/.//evil.com',
  '/x/..//evil.com',
  '/%2e//evil.com',
  '/%2e%2e//evil.com',
  'http://localhost:8080//evil.com',
  'http://localhost:8080/.//evil.com',
  // Script and data schemes, however they are spelled.
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:x',
  'java\nscript:x',
  ' javascript:alert(1)',
  'data:text/html,x',
  'vbscript:msgbox(1)',
  // Other origins.
  'http://evil.com',
  'https://evil.com',
  'http://evil.com/',
  'http:evil.com',
  'http:/evil.com',
  'http:\\\\evil.com',
  'ftp://localhost:8080/',
  'http://evil.com@localhost:8080',
  'http://localhost:8080@evil.com',
  'http://user:pw@payroll.localhost:8080/',
  'http://user@localhost:8080/',
  'https://localhost:8080/',
  'https://payroll.localhost:8080/',
  'http://payroll.localhost:9999/',
  'http://localhost:9999/',
  'http://payroll.localhost.evil.com:8080/',
  'http://evil.com#@payroll.localhost:8080/',
  'http://evil.com\\@payroll.localhost:8080/',
  'http://evil.payroll.localhost:8080/',
  // Whitespace and control characters browsers strip or skip.
  '  //evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  '/\r/evil.com',
  '\n//evil.com',
  '\t//evil.com',
  '/%09/evil.com',
  '/%0a/evil.com',
  '/%0d/evil.com',
  '\u0000//evil.com',
  '/\u0000/evil.com',
  '/\u007f/evil.com',
  // Encoded slashes in the path (a decoding server reads them as "//").
  '/%2f%2fevil.com/x?y=1',
  '/a/%5c%5cevil.com',
  // Nested return addresses that would be refused on their own.
  '/auth/login?rd=%2F%2Fevil.com',
  '/auth/login?rd=%2F%5Cevil.com',
  '/auth/app?rd=https%3A%2F%2Fevil.com%2F',
  '/auth/app?rd=%2F%255cevil.com',
  '/auth/login?rd=%2Fauth%2Fapp%3Frd%3Dhttps%253A%252F%252Fevil.com',
  '/x?a=1&rd=javascript%3Aalert(1)',
  '/x?rd=%2Fok&rd=%2F%2Fevil.com',
  // Nested deeper than any real flow goes.
  '/a?rd=' +
    encodeURIComponent('/b?rd=' + encodeURIComponent('/c?rd=' + encodeURIComponent('/d?rd=%2F'))),
  // Not a path, not an absolute URL.
  'evil.com',
  'evil.com/path',
  '.',
  '?x=1',
  '#y',
  '',
  // Too long.
  '/' + 'a'.repeat(2048),
  'http://payroll.localhost:8080/' + 'a'.repeat(4096),
];

const NOT_STRINGS: readonly unknown[] = [
  undefined,
  null,
  42,
  true,
  ['x'],
  ['/'],
  { toString: () => '/' },
  new URL('http://localhost:8080/'),
];

const ACCEPTED: readonly (readonly [string, string])[] = [
  ['/', '/'],
  ['/resources/payroll?x=1#y', '/resources/payroll?x=1#y'],
  ['/a/b/../c', '/a/c'],
  ['/a//b', '/a//b'],
  ['http://localhost:8080/x', '/x'],
  ['http://localhost:8080', '/'],
  ['HTTP://LOCALHOST:8080/x?y#z', '/x?y#z'],
  ['http://payroll.localhost:8080/a?b', 'http://payroll.localhost:8080/a?b'],
  ['http://payroll.localhost:8080', 'http://payroll.localhost:8080/'],
  ['http://payroll.localhost:8080//a', 'http://payroll.localhost:8080//a'],
  // Return addresses that carry another one, encoded, as every app sign-in does.
  [
    '/auth/app?rd=http%3A%2F%2Fpayroll.localhost%3A8080%2Fheaders%3Fx%3D1',
    '/auth/app?rd=http%3A%2F%2Fpayroll.localhost%3A8080%2Fheaders%3Fx%3D1',
  ],
  [
    '/auth/login?rd=%2Fauth%2Fapp%3Frd%3Dhttp%253A%252F%252Fpayroll.localhost%253A8080%252F',
    '/auth/login?rd=%2Fauth%2Fapp%3Frd%3Dhttp%253A%252F%252Fpayroll.localhost%253A8080%252F',
  ],
  [
    '/cli/authorize?redirect_uri=http%3A%2F%2F127.0.0.1%3A4444%2Fcallback&state=abcdefgh',
    '/cli/authorize?redirect_uri=http%3A%2F%2F127.0.0.1%3A4444%2Fcallback&state=abcdefgh',
  ],
  ['/auth/app?rd=%2Fresources%2Fpayroll', '/auth/app?rd=%2Fresources%2Fpayroll'],
  [
    'http://payroll.localhost:8080/search?q=%2F%2Fx%5Cy',
    'http://payroll.localhost:8080/search?q=%2F%2Fx%5Cy',
  ],
];

void describe('checkRedirect refuses open-redirect payloads', () => {
  for (const raw of REFUSED) {
    void test(`refuses ${JSON.stringify(raw.length > 60 ? raw.slice(0, 60) + '…' : raw)}`, () => {
      assert.equal(checkRedirect(raw, policy), undefined);
      assert.equal(safeRedirect(raw, policy), '/');
    });
  }

  void test('refuses anything that is not a string', () => {
    for (const raw of NOT_STRINGS) {
      assert.equal(checkRedirect(raw, policy), undefined, String(raw));
      assert.equal(safeRedirect(raw, policy), '/');
    }
  });

  void test('never returns a target that a browser reads as another host', () => {
    // Whatever comes in, a relative answer must not start with "//" or "/\".
    const inputs = [
      ...REFUSED,
      ...ACCEPTED.map(([raw]) => raw),
      '/./',
      '/../',
      '/..',
      '/%2e%2e/',
      '/a/../../',
      '/a/..//b',
    ];
    for (const raw of inputs) {
      const target = checkRedirect(raw, policy);
      if (target === undefined) continue;
      if (target.startsWith('/')) {
        assert.ok(!/^\/[/\\]/.test(target), `${JSON.stringify(raw)} → ${target}`);
        continue;
      }
      const url = new URL(target);
      assert.ok(
        url.origin === policy.portalOrigin || policy.isAppOrigin(url.origin),
        `${JSON.stringify(raw)} → ${target}`,
      );
      assert.equal(url.username + url.password, '');
    }
  });
});

void describe('checkRedirect accepts portal paths and app URLs', () => {
  for (const [raw, expected] of ACCEPTED) {
    void test(`${raw} → ${expected}`, () => {
      assert.equal(checkRedirect(raw, policy), expected);
      assert.equal(safeRedirect(raw, policy), expected);
    });
  }

  void test('a path just under the length limit is kept', () => {
    const raw = '/' + 'a'.repeat(2047);
    assert.equal(checkRedirect(raw, policy), raw);
  });

  void test('safeRedirect uses the given fallback', () => {
    assert.equal(safeRedirect('//evil.com', policy, '/home'), '/home');
    assert.equal(safeRedirect('/ok', policy, '/home'), '/ok');
  });

  void test('an app origin must be recognised by the policy', () => {
    const none: RedirectPolicy = { ...policy, isAppOrigin: () => false };
    assert.equal(checkRedirect('http://payroll.localhost:8080/a', none), undefined);
    assert.equal(checkRedirect('/a', none), '/a');
  });
});
