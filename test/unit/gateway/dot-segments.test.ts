// Dot-segments in a request path, in every spelling an app server might resolve, against paths
// that merely contain dots (and dots in the query, which is data).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasDotSegment } from '../../../proxy/gateway/dot-segments.js';

void describe('hasDotSegment', () => {
  const refused = [
    '/..',
    '/.',
    '/../hr/salaries',
    '/a/../b',
    '/a/./b',
    '/a/..',
    '/a/.',
    '/a/../',
    '/%2e%2e/hr/salaries',
    '/%2E%2E/hr',
    '/.%2e/%2e%2e/admin',
    '/%2e./x',
    '/%2e',
    '/..%2fhr',
    '/..%2Fhr',
    '/a%2f..%2fb',
    '/a%2F%2e%2E',
    '/..\\hr',
    '/a\\..\\b',
    '/..%5chr',
    '/..%5Chr',
    '/..;/admin',
    '/.;x/admin',
    '/a/..?x=1',
    '/a/..#frag',
    '//..//x',
  ];
  const allowed = [
    '/',
    '',
    '/x',
    '/file.tar.gz',
    '/a..b',
    '/a.',
    '/.a',
    '/..a',
    '/a..',
    '/...',
    '/..../x',
    '/%2e%2e%2e',
    '/.well-known/openid-configuration',
    '/x?path=../../etc/passwd',
    '/x?a=%2e%2e',
    '/x#/../y',
    '/a;..',
    '/a/%2g..',
    '/%',
    '/%2',
    '/%252e%252e/x',
  ];
  for (const path of refused)
    test(`finds one in ${JSON.stringify(path)}`, () => assert.equal(hasDotSegment(path), true));
  for (const path of allowed)
    test(`finds none in ${JSON.stringify(path)}`, () => assert.equal(hasDotSegment(path), false));
});
