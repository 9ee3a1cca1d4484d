/**
 * A jitgate for MFA tests, unlike the demo in what matters here: no MFA at login (so step-up is
 * what asks), two IdP entries for one embedded IdP (`corp` not trusted for MFA, `trusted` with
 * trustMfaFromIdp), otto whose IdP login carries amr [pwd, otp], a lockout after 3 failures, and
 * a clock the test moves (`skew`), which the users' authenticators follow.
 */
import type { RunningJitgate } from '../../proxy/server/start.js';
import type { Reply, TestBrowser } from './http-client.js';
import { TestAuthenticator } from './mfa.js';
import { startTestProxy, testUser as user } from './test-proxy.js';

const USERS = [
  user('alice', ['staff']),
  user('bob', ['staff', 'approvers']),
  user('carl', ['staff']),
  user('otto', ['staff', 'approvers'], ['pwd', 'otp']),
  // An auditor: reads access reviews (test/integration/access/access-report.test.ts).
  user('audrey', ['auditors']),
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
  const proxy = await startTestProxy({
    users: USERS,
    idps: { corp: {}, trusted: { trustMfaFromIdp: true } },
    config: {
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
          // alice may break the glass on payroll (test/integration/access/break-glass.test.ts).
          breakGlass: {
            users: ['alice'],
            incidentPattern: '^INC-[0-9]+$',
            maxDuration: '15m',
            reviewWithin: '5m',
          },
        },
      ],
      mfa: { maxFailures: 3, lockout: '15m' },
      auditors: { groups: ['auditors'] },
    },
  });
  const authenticators = new Map<string, TestAuthenticator>();
  return {
    url: proxy.url,
    jitgate: proxy.jitgate,
    clock: proxy.clock,
    authenticator(username) {
      const found = authenticators.get(username) ?? new TestAuthenticator(proxy.now);
      authenticators.set(username, found);
      return found;
    },
    login: (username, idpId = 'corp') => proxy.login(username, idpId),
    stop: () => proxy.stop(),
  };
}
