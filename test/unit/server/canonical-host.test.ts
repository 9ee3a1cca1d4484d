/** Browser navigations under another name go to the portal's public URL, and only there. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import { canonicalPortalHost } from '../../../proxy/server/canonical-host.js';

function run(host: string, url: string, headers: Record<string, string> = {}) {
  let location: string | undefined;
  let passed = false;
  const req = {
    method: 'GET',
    originalUrl: url,
    headers: { host, accept: 'text/html', ...headers },
  } as unknown as Request;
  const res = { redirect: (_status: number, to: string) => (location = to) } as unknown as Response;
  canonicalPortalHost('http://localhost:8080')(req, res, (() => (passed = true)) as NextFunction);
  return { location, passed };
}

void describe('canonicalPortalHost', () => {
  void it('sends a navigation under another name to the same path on the public URL', () => {
    const { location } = run('127.0.0.1:8080', '/cli/authorize?state=abc&x=%2F%2Fy');
    assert.equal(location, 'http://localhost:8080/cli/authorize?state=abc&x=%2F%2Fy');
  });

  void it('keeps a //host target a path of the portal', () => {
    assert.equal(
      run('127.0.0.1:8080', '//evil.example/x').location,
      'http://localhost:8080//evil.example/x',
    );
  });

  void it('lets the public name, API calls and scripts through', () => {
    assert.equal(run('localhost:8080', '/').passed, true);
    assert.equal(run('127.0.0.1:8080', '/api/v1/me', { accept: 'application/json' }).passed, true);
    assert.equal(run('127.0.0.1:8080', '/', { 'sec-fetch-mode': 'cors' }).passed, true);
  });
});
