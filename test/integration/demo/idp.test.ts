// The embedded demo IdP, mounted under /idp in Express as jitgate mounts it: a full
// authorization-code + PKCE login through its own login page with plain HTTP, the claims of the
// ID token, userinfo, client_credentials, and the failure paths (bad password, missing PKCE).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from '../../support/guarded-test.js';
import express from 'express';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createDemoIdp } from '../../../proxy/demo/idp.js';

const USERS = [
  {
    username: 'alice',
    password: 'demo',
    email: 'alice@example.test',
    name: 'Alice',
    groups: ['staff'],
  },
  {
    username: 'bob',
    password: 'demo',
    email: 'bob@example.test',
    name: 'Bob',
    groups: ['staff', 'approvers'],
    amr: ['pwd', 'otp'],
  },
];

let server: Server;
let base: string;
let issuer: string;
let redirectUri: string;
const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
const consoleCalls: string[] = [];
const originalConsole = {
  warn: console.warn,
  info: console.info,
  error: console.error,
  log: console.log,
};

before(async () => {
  for (const name of ['warn', 'info', 'error', 'log'] as const) {
    console[name] = (...args: unknown[]) => void consoleCalls.push(args.map(String).join(' '));
  }
  const app = express();
  // The issuer needs the port, so the IdP is created and mounted once the server listens.
  server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${base}/idp`;
  redirectUri = `${base}/callback`;
  const idp = await createDemoIdp({
    issuer,
    users: USERS,
    clients: [
      { clientId: 'web', clientSecret: 'web-secret', redirectUris: [redirectUri] },
      {
        clientId: 'ci',
        clientSecret: 'ci-secret',
        redirectUris: [],
        grantTypes: ['client_credentials'],
      },
    ],
    cookieKeys: ['test-cookie-key'],
    log: (msg, fields) => void logs.push({ msg, fields }),
  });
  app.use('/idp', idp.handler);
});

after(async () => {
  Object.assign(console, originalConsole);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A browser stand-in: keeps cookies by name and never follows redirects on its own. */
class Browser {
  private readonly cookies = new Map<string, string>();
  readonly setCookies: string[] = [];

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(new URL(url, base), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /expires=.*1970/i.test(a) || /max-age=0\b/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
    return res;
  }

  /** Follows redirects until one leaves the IdP (or a page is shown). */
  async follow(res: Response): Promise<{ res: Response; location?: string }> {
    for (let hops = 0; hops < 10; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res };
      const next = new URL(location, base).href;
      if (!next.startsWith(issuer)) return { res, location: next };
      res = await this.fetch(next);
    }
    throw new Error('too many redirects');
  }
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(challenge?: string): string {
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: 'web',
    response_type: 'code',
    scope: 'openid email profile groups',
    redirect_uri: redirectUri,
    state: 'state-1',
    nonce: 'nonce-1',
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
  }).toString();
  return url.href;
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** Starts a login and returns the browser sitting on the login page, with the form's action. */
async function openLoginPage() {
  const browser = new Browser();
  const { verifier, challenge } = pkce();
  const { res } = await browser.follow(await browser.fetch(authorizeUrl(challenge)));
  assert.equal(res.status, 200);
  const html = await res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, 'login form has an action');
  return { browser, verifier, html, action };
}

async function login(username: string, password: string) {
  const { browser, verifier, action } = await openLoginPage();
  const { location } = await browser.follow(
    await browser.fetch(action, form({ username, password })),
  );
  assert.ok(location, 'redirected back to the client');
  assert.ok(location.startsWith(redirectUri), location);
  const callback = new URL(location);
  assert.equal(callback.searchParams.get('state'), 'state-1');
  const code = callback.searchParams.get('code');
  assert.ok(code, 'authorization code');
  const res = await fetch(`${issuer}/token`, {
    ...form({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic('web', 'web-secret'),
    },
  });
  assert.equal(res.status, 200);
  const session = browser.setCookies.find((line) => line.startsWith('idp_session='));
  assert.match(session ?? '', /; path=\/idp;/, 'the IdP session cookie stays under its mount path');
  return (await res.json()) as { id_token: string; access_token: string; token_type: string };
}

void describe('demo IdP mounted under /idp', () => {
  void it('publishes discovery with every endpoint under the mount path', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const meta = (await res.json()) as Record<string, unknown>;
    assert.equal(meta.issuer, issuer);
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'userinfo_endpoint',
    ]) {
      assert.ok(String(meta[key]).startsWith(`${issuer}/`), `${key} = ${String(meta[key])}`);
    }
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.ok((meta.scopes_supported as string[]).includes('groups'));
    assert.ok((meta.grant_types_supported as string[]).includes('client_credentials'));
  });

  void it('shows its own login page', async () => {
    const { html, action } = await openLoginPage();
    assert.match(html, /<h1>jitgate demo IdP<\/h1>/);
    assert.match(html, /name="username"/);
    assert.match(html, /name="password" type="password"/);
    assert.match(html, /<button type="submit">Sign in<\/button>/);
    assert.match(action, /^\/idp\/interaction\/[\w-]+\/login$/);
  });

  void it('rejects a wrong password with 401 and keeps the form', async () => {
    const { browser, action } = await openLoginPage();
    const res = await browser.fetch(action, form({ username: 'alice', password: 'nope' }));
    assert.equal(res.status, 401);
    const html = await res.text();
    assert.match(html, /Invalid username or password/);
    assert.match(html, /value="alice"/);
    const unknown = await browser.fetch(action, form({ username: 'mallory', password: 'demo' }));
    assert.equal(unknown.status, 401);
  });

  void it('refuses oversized or non-form login posts', async () => {
    const { browser, action } = await openLoginPage();
    const big = await browser.fetch(
      action,
      form({ username: 'alice', password: 'x'.repeat(20_000) }),
    );
    assert.equal(big.status, 413);
    const json = await browser.fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":"alice","password":"demo"}',
    });
    assert.equal(json.status, 415);
  });

  void it('escapes what it echoes back into the form', async () => {
    const { browser, action } = await openLoginPage();
    const res = await browser.fetch(
      action,
      form({ username: '"><script>x</script>', password: 'x' }),
    );
    const html = await res.text();
    assert.doesNotMatch(html, /<script>x/);
    assert.match(html, /&#34;&#62;&#60;script&#62;/);
  });

  void it('logs in with authorization code + PKCE and issues an ID token with the claims', async () => {
    const tokens = await login('alice', 'demo');
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, {
      issuer,
      audience: 'web',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, 'alice');
    assert.equal(payload.nonce, 'nonce-1');
    assert.equal(payload.email, 'alice@example.test');
    assert.equal(payload.email_verified, true);
    assert.equal(payload.name, 'Alice');
    assert.equal(payload.preferred_username, 'alice');
    assert.deepEqual(payload.groups, ['staff']);
    assert.deepEqual(payload.amr, ['pwd']);
  });

  void it('carries a configured amr and answers userinfo with the same claims', async () => {
    const tokens = await login('bob', 'demo');
    assert.deepEqual(decodeJwt(tokens.id_token).amr, ['pwd', 'otp']);
    const res = await fetch(`${issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(res.status, 200);
    const info = (await res.json()) as Record<string, unknown>;
    assert.equal(info.sub, 'bob');
    assert.equal(info.email, 'bob@example.test');
    assert.deepEqual(info.groups, ['staff', 'approvers']);
  });

  void it('requires PKCE', async () => {
    const browser = new Browser();
    const { location } = await browser.follow(await browser.fetch(authorizeUrl()));
    assert.ok(location);
    assert.ok(location.startsWith(redirectUri), location);
    assert.equal(new URL(location).searchParams.get('error'), 'invalid_request');
  });

  void it('answers an unknown or expired interaction with 400, not a crash', async () => {
    const res = await fetch(`${issuer}/interaction/does-not-exist`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /expired/);
  });

  void it('issues client_credentials tokens to clients that allow them, only those', async () => {
    const ok = await fetch(`${issuer}/token`, {
      ...form({ grant_type: 'client_credentials' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('ci', 'ci-secret'),
      },
    });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as {
      access_token?: string;
      token_type?: string;
      expires_in?: number;
    };
    assert.ok(body.access_token);
    assert.equal(body.token_type, 'Bearer');
    assert.ok(body.expires_in && body.expires_in <= 600);

    const refused = await fetch(`${issuer}/token`, {
      ...form({ grant_type: 'client_credentials' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('web', 'web-secret'),
      },
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), {
      error: 'invalid_request',
      error_description: 'requested grant type is not allowed for this client',
    });
  });

  void it('also works behind a plain node:http server that does not strip the prefix', async () => {
    const plain = createServer().listen(0, '127.0.0.1');
    await once(plain, 'listening');
    const plainIssuer = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/idp`;
    const other = await createDemoIdp({
      issuer: plainIssuer,
      users: USERS,
      clients: [],
      cookieKeys: ['k'],
    });
    plain.on('request', other.handler);
    try {
      const res = await fetch(`${plainIssuer}/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
      const meta = (await res.json()) as { issuer: string; token_endpoint: string };
      assert.equal(meta.issuer, plainIssuer);
      assert.equal(meta.token_endpoint, `${plainIssuer}/token`);
    } finally {
      plain.closeAllConnections();
      plain.close();
    }
  });

  void it('printed nothing to the console and logged no secret', () => {
    assert.deepEqual(consoleCalls, []);
    const logged = JSON.stringify(logs);
    assert.doesNotMatch(logged, /demo|web-secret|ci-secret|nope/);
    assert.ok(logs.some((l) => l.msg === 'idp login failed'));
  });
});
