/** Starts the demo (proxy, IdP, payroll) on a random port with a throwaway state folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoIdpFor } from '../../proxy/demo/demo-config.js';
import { startDemo, type DemoOptions, type RunningDemo } from '../../proxy/demo/start-demo.js';
import { silentLogger } from '../../proxy/shared/logger.js';
import { formAction, TestBrowser } from './http-client.js';
import { authenticatorOf, completeMfa, type TestAuthenticator } from './mfa.js';

/**
 * A demo person's or machine's user id (`<idp>:<sub>`): how an admin names a vendor or machine
 * (a bare name finds staff only).
 */
export const demoUserId = (username: string): string => `${demoIdpFor(username)}:${username}`;

export interface TestDemo extends RunningDemo {
  /** Logs `username` in through the demo IdP's real login form (in `browser`); returns it. */
  login(username: string, password?: string, browser?: TestBrowser): Promise<TestBrowser>;
  /** A demo user's authenticator app (the demo asks for MFA at login; see support/mfa.ts). */
  authenticator(username: string): TestAuthenticator;
  stop(): Promise<void>;
}

/** `stateDir`: a folder the test owns (and removes); by default a temporary one is made here. */
export async function startTestDemo(
  options: Pick<
    DemoOptions,
    | 'recordingFiles'
    | 'storage'
    | 'env'
    | 'configure'
    | 'log'
    | 'stateDir'
    | 'rateLimits'
    | 'payrollUrl'
    | 'postgres'
  > = {},
): Promise<TestDemo> {
  const owned = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'jitgate-test-'));
  // No private PostgreSQL unless a test asks: most never touch orders-db.
  const demo = await startDemo({
    port: 0,
    log: silentLogger,
    postgres: false,
    ...options,
    stateDir,
  });
  return {
    ...demo,
    async login(username, password = 'demo', browser = new TestBrowser()) {
      const form = await browser.navigate(`${demo.url}/auth/login?idp=${demoIdpFor(username)}`);
      const atMfa = await browser.postForm(formAction(form), { username, password });
      // The first login enrolls an authenticator; later ones answer with its next code.
      const done = await completeMfa(browser, atMfa, authenticatorOf(demo.url, username));
      if (done.status !== 200 || !done.body.includes('My access')) {
        throw new Error(`login of ${username} ended at ${done.url} with ${done.status}`);
      }
      return browser;
    },
    authenticator: (username) => authenticatorOf(demo.url, username),
    async stop() {
      await demo.close();
      if (owned) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
