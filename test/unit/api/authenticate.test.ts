// The API's caller and CSRF rules without a server: bearer tokens win over cookies, unknown
// bearers are refused, and cookie calls that change something need the portal's Origin and JSON.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Request, Response } from 'express';
import { authenticate, csrfGuard, type Caller } from '../../../proxy/api/authenticate.js';
import type { TokenRecord } from '../../../proxy/identity/token-record.js';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import { JitgateError } from '../../../proxy/shared/errors.js';

const PORTAL = 'http://localhost:8080';
const user = (username: string): SessionUser => ({
  id: `corp:${username}`,
  idp: 'corp',
  username,
  email: null,
  name: null,
  groups: ['staff'],
  kind: 'person',
  loginAt: 0,
});
const token: TokenRecord = {
  id: 'tok_1',
  userId: 'corp:cli',
  tokenHash: 'h',
  label: null,
  user: user('cli'),
  createdAt: 0,
  expiresAt: 1,
  revokedAt: null,
  lastUsedAt: null,
};

interface FakeRequest {
  method: string;
  headers: Record<string, string>;
  session?: { user?: SessionUser };
  sessionID: string;
  caller?: Caller;
}

const fake = (
  method: string,
  headers: Record<string, string>,
  sessionUser?: SessionUser,
): FakeRequest => ({ method, headers, session: { user: sessionUser }, sessionID: 'sid-1' });

/** Runs a middleware; resolves with what it passed to next() (undefined = went on). */
async function run(
  middleware: (req: Request, res: Response, next: (error?: unknown) => void) => unknown,
  req: FakeRequest,
): Promise<unknown> {
  let passed: unknown = 'not called';
  try {
    await middleware(req as unknown as Request, {} as Response, (error?: unknown) => {
      passed = error;
    });
  } catch (error) {
    return error;
  }
  return passed;
}

const auth = authenticate({
  tokens: {
    verify: async (presented) => (presented === 'jgt_good' ? token : undefined),
    stillLive: async () => true,
  },
  sessionUser: async () => undefined,
});

void describe('authenticate', () => {
  test('a session caller', async () => {
    const req = fake('GET', {}, user('alice'));
    assert.equal(await run(auth, req), undefined);
    assert.equal(req.caller?.how, 'session');
    assert.equal(req.caller?.credential, 'session:sid-1');
    assert.equal(await req.caller?.stillValid(), false, 'the session is gone from the store');
  });

  test('a bearer wins over a cookie riding along', async () => {
    const req = fake('GET', { authorization: 'Bearer jgt_good' }, user('alice'));
    assert.equal(await run(auth, req), undefined);
    assert.equal(req.caller?.how, 'token');
    assert.equal(req.caller?.user.username, 'cli');
  });

  test('an unknown bearer is refused, not replaced by the cookie', async () => {
    const req = fake('GET', { authorization: 'Bearer jgt_bad' }, user('alice'));
    const error = await run(auth, req);
    assert.ok(error instanceof JitgateError);
    assert.equal(error.code, 'invalid_token');
    assert.equal(req.caller, undefined);
  });

  test('the admin token is left to the admin routes', async () => {
    const req = fake('POST', { authorization: 'Bearer jga_admin' }, user('alice'));
    assert.equal(await run(auth, req), undefined);
    assert.equal(req.caller, undefined);
  });
});

void describe('csrfGuard', () => {
  const guard = csrfGuard(PORTAL);
  const sessionCall = (method: string, headers: Record<string, string>) => {
    const req = fake(method, headers);
    req.caller = { how: 'session' } as Caller;
    return req;
  };
  const code = (passed: unknown) => (passed instanceof JitgateError ? passed.code : passed);
  const json = { 'content-type': 'application/json' };

  test('lets the portal origin through with JSON, for every unsafe method', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const passed = await run(guard, sessionCall(method, { ...json, origin: PORTAL }));
      assert.equal(passed, undefined, method);
    }
    const charset = { 'content-type': 'application/json; charset=utf-8', origin: PORTAL };
    assert.equal(await run(guard, sessionCall('POST', charset)), undefined);
    const fetchMeta = { ...json, 'sec-fetch-site': 'same-origin' };
    assert.equal(await run(guard, sessionCall('POST', fetchMeta)), undefined);
  });

  test('refuses other origins, no origin, and non-JSON bodies', async () => {
    const refusedHeaders: Record<string, string>[] = [
      { ...json, origin: 'https://evil.example' },
      { ...json, origin: 'http://payroll.localhost:8080' },
      { ...json, origin: `${PORTAL}.evil.example` },
      { ...json },
      { ...json, 'sec-fetch-site': 'same-site' },
      { origin: PORTAL, 'content-type': 'text/plain' },
      { origin: PORTAL, 'content-type': 'application/x-www-form-urlencoded' },
      { origin: PORTAL, 'content-type': 'application/json-seq' },
      { origin: PORTAL },
    ];
    for (const headers of refusedHeaders) {
      assert.equal(code(await run(guard, sessionCall('POST', headers))), 'csrf_refused');
    }
  });

  test('reads are not checked, nor bearer calls, nor calls without a caller', async () => {
    assert.equal(await run(guard, sessionCall('GET', {})), undefined);
    const bearer = fake('POST', {});
    bearer.caller = { how: 'token' } as Caller;
    assert.equal(await run(guard, bearer), undefined);
    assert.equal(await run(guard, fake('POST', {})), undefined);
  });
});
