/**
 * A jitgate for MFA tests, unlike the demo in what matters here: no MFA at login (so step-up is
 * what asks), two IdP entries for one embedded IdP (`corp` not trusted for MFA, `trusted` with
 * trustMfaFromIdp), otto whose IdP login carries amr [pwd, otp], a lockout after 3 failures, and
 * a clock the test moves (`skew`), which the users' authenticators follow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../proxy/config/load.js';
import { createDemoIdp, type DemoUser } from '../../proxy/demo/idp.js';
import { createHttpServer, listen } from '../../proxy/server/http-server.js';
import { startJitgate, type RunningJitgate } from '../../proxy/server/start.js';
import { silentLogger } from '../../proxy/shared/logger.js';
import { formAction, TestBrowser, type Reply } from './http-client.js';
import { TestAuthenticator } from './mfa.js';

const user = (username: string, groups: string[], amr?: string[]): DemoUser => ({
  username,
  password: 'demo',
  email: `${username}@mfa.test`,
  name: username,
  groups,
  ...(amr ? { amr } : {}),
});

const USERS = [
  user('alice', ['staff']),
  user('bob', ['staff', 'approvers']),
  user('carl', ['staff']),
  user('otto', ['staff', 'approvers'], ['pwd', 'otp']),
];

export interface MfaProxy {
  url: string;
  jitgate: RunningJitgate;
  /** `skew`: milliseconds added to the proxy's clock. */
  clock: { skew: number };
  /** The authenticator app of `username`, on the proxy's clock. */
  authenticator(username: string): TestAuthenticator;
  /** Signs in through the IdP entry `idp`; returns the browser and where it landed. */
  login(
    username: string,
    idp?: 'corp' | 'trusted',
  ): Promise<{ browser: TestBrowser; landed: Reply }>;
  stop(): Promise<void>;
}

export async function startMfaProxy(): Promise<MfaProxy> {
  const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-mfa-'));
  const http = createHttpServer(silentLogger);
  const port = await listen(http.server, 0, '127.0.0.1');
  const origin = `http://localhost:${port}`;
  const secret = 'mfa-test-client-secret';
  const idp = {
    issuer: `${origin}/idp`,
    clientId: 'jitgate',
    clientSecret: secret,
    scopes: ['openid', 'email', 'profile', 'groups'],
    passUnmappedGroups: true,
    allowInsecureRequests: true,
  };
  const config = validateConfig({
    server: { host: '127.0.0.1', port, publicUrl: origin },
    state: { dir: stateDir },
    identityProviders: [
      { id: 'corp', ...idp },
      { id: 'trusted', ...idp, trustMfaFromIdp: true },
    ],
    resources: ['payroll', 'wiki', 'crm'].map((id) => ({
      id,
      kind: 'web',
      host: `${id}.localhost`,
      upstream: 'http://127.0.0.1:9',
    })),
    policies: [
      {
        id: 'staff',
        resources: ['payroll', 'wiki', 'crm'],
        subjects: { groups: ['staff'] },
        approval: { groups: ['approvers'] },
      },
    ],
    mfa: { maxFailures: 3, lockout: '15m' },
  });
  const demoIdp = await createDemoIdp({
    issuer: idp.issuer,
    users: USERS,
    clients: [
      { clientId: 'jitgate', clientSecret: secret, redirectUris: [`${origin}/auth/callback`] },
    ],
    cookieKeys: ['mfa-test-cookie-key'],
  });
  const clock = { skew: 0 };
  const now = () => Date.now() + clock.skew;
  const authenticators = new Map<string, TestAuthenticator>();
  const jitgate = await startJitgate({
    config,
    log: silentLogger,
    http,
    now,
    mounts: [['/idp', demoIdp.handler]],
  });
  return {
    url: origin,
    jitgate,
    clock,
    authenticator(username) {
      const found = authenticators.get(username) ?? new TestAuthenticator(now);
      authenticators.set(username, found);
      return found;
    },
    async login(username, idpId = 'corp') {
      const browser = new TestBrowser();
      const form = await browser.navigate(`${origin}/auth/login?idp=${idpId}`);
      const landed = await browser.postForm(formAction(form), { username, password: 'demo' });
      return { browser, landed };
    },
    async stop() {
      await jitgate.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
