/**
 * The setup the gateway tests share: a demo jitgate with alice logged in and holding the app
 * cookie for payroll.localhost (from the real portal → app handoff, before any grant), grants for
 * alice that are revoked after each test, and the calls to payroll they all make.
 *
 * `demo`, `alice` and `appCookie` are assigned by the `before` hook `usePayrollAsAlice()`
 * registers; ES module bindings are live, so a test file that imports them sees the values once
 * its tests run.
 */
import assert from 'node:assert/strict';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { after, afterEach, before } from '../../support/guarded-test.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';

export const APP_COOKIE = 'jitgate_session_app';

export let demo: TestDemo;
export let alice: TestBrowser;
/** alice's cookie for payroll.localhost, from the real portal → app handoff. */
export let appCookie: string;
const granted: GrantRecord[] = [];

/** Registers the file's hooks: start the demo and log alice in, revoke grants, stop the demo. */
export function usePayrollAsAlice(): void {
  before(async () => {
    demo = await startTestDemo();
    alice = await demo.login('alice');
    // Without a grant the handoff still sets the app cookie; the app itself answers 403.
    const first = await alice.navigate(`${demo.payrollOrigin}/`);
    assert.equal(first.status, 403);
    appCookie = alice.jar.get('payroll.localhost', APP_COOKIE) ?? '';
    assert.ok(appCookie, 'the handoff set the app cookie');
  });
  after(() => demo.stop());
  afterEach(async () => {
    for (const grant of granted.splice(0))
      await demo.jitgate.grants.revoke(grant.id, 'test').catch(() => undefined);
  });
}

export async function grantAlice(durationMs = 60_000): Promise<GrantRecord> {
  const grant = await demo.jitgate.grants.grant({
    user: 'alice',
    resource: 'payroll',
    durationMs,
    actor: 'test',
  });
  granted.push(grant);
  return grant;
}

/** An XHR-style call to payroll (not a navigation), with alice's app cookie unless told. */
export function xhr(path: string, headers: Record<string, string> = {}, cookie = appCookie) {
  return rawRequest(`${demo.payrollOrigin}${path}`, {
    headers: {
      accept: 'application/json',
      'sec-fetch-mode': 'cors',
      ...(cookie ? { cookie: `${APP_COOKIE}=${cookie}` } : {}),
      ...headers,
    },
  });
}

export function wsHeaders(cookie = appCookie): Record<string, string> {
  return { cookie: `${APP_COOKIE}=${cookie}`, origin: demo.payrollOrigin };
}
