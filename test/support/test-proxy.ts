/**
 * A jitgate shaped by the test: its own users, identity provider entries (all served by one
 * embedded IdP at /idp), resources and policies, and a clock the test moves (`skew`). No MFA at
 * login unless the config asks for it. The demo is the place for the everyday flows; this is for
 * what the demo cannot show (a given hour of the week, odd policies, a lockout after 3 failures).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../proxy/config/load.js';
import { oidcCallbackUrl } from '../../proxy/identity/oidc-callback.js';
import { createDemoIdp, type DemoUser } from '../../proxy/demo/idp.js';
import { createHttpServer, listen } from '../../proxy/server/http-server.js';
import { startJitgate, type RunningJitgate } from '../../proxy/server/start.js';
import { silentLogger } from '../../proxy/shared/logger.js';
import { formAction, TestBrowser, type Reply } from './http-client.js';

export const testUser = (username: string, groups: string[], amr?: string[]): DemoUser => ({
  username,
  password: 'demo',
  email: `${username}@jitgate.test`,
  name: username,
  groups,
  ...(amr ? { amr } : {}),
});

export interface TestProxyOptions {
  users: DemoUser[];
  /** IdP entries by id, each the embedded IdP seen through other config (e.g. `kind: vendor`). */
  idps: Record<string, Record<string, unknown>>;
  /** The rest of the config: resources, policies, admins, mfa… */
  config: Record<string, unknown>;
  /** Where the clock starts, as an offset from real time (ms). */
  skew?: number;
}

export interface TestProxy {
  url: string;
  jitgate: RunningJitgate;
  /** `skew`: milliseconds added to the proxy's clock. */
  clock: { skew: number };
  now: () => number;
  /** Signs in through the IdP entry `idp`; returns the browser and where it landed. */
  login(username: string, idp: string): Promise<{ browser: TestBrowser; landed: Reply }>;
  stop(): Promise<void>;
}

export async function startTestProxy(options: TestProxyOptions): Promise<TestProxy> {
  const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-proxy-'));
  const http = createHttpServer(silentLogger);
  const port = await listen(http.server, 0, '127.0.0.1');
  const origin = `http://localhost:${port}`;
  const secret = 'test-proxy-client-secret';
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
    identityProviders: Object.entries(options.idps).map(([id, extra]) => ({
      id,
      ...idp,
      ...extra,
    })),
    ...options.config,
  });
  const demoIdp = await createDemoIdp({
    issuer: idp.issuer,
    users: options.users,
    clients: [
      {
        clientId: 'jitgate',
        clientSecret: secret,
        redirectUris: Object.keys(options.idps).map((id) => oidcCallbackUrl(origin, id)),
      },
    ],
    cookieKeys: ['test-proxy-cookie-key'],
  });
  const clock = { skew: options.skew ?? 0 };
  const now = () => Date.now() + clock.skew;
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
    now,
    async login(username, idpId) {
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
