/**
 * alice signed in with a live grant to payroll, the demo's own or a test's app server put in its
 * place: what the gateway tests need to send requests, raw or not, through the gateway.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestDemo, type TestDemo } from './demo.js';
import type { TestBrowser } from './http-client.js';
import { rawExchange } from './wire.js';

export const APP_COOKIE = 'jitgate_session_app';

export interface AppBehindDemo {
  demo: TestDemo;
  alice: TestBrowser;
  /** alice's app cookie for payroll, for requests sent byte for byte. */
  appCookie: string;
  /**
   * A GET of payroll sent byte for byte as alice (paths no client would send as they are), with
   * `extra` header lines (each ending in CRLF): the raw answer.
   */
  rawGet(path: string, extra?: string): Promise<string>;
  /** Stops the demo, then the app. */
  stop(): Promise<void>;
}

/** alice signed in with a 10-minute grant to payroll, through its handoff: her app cookie. */
export async function aliceOnPayroll(
  demo: TestDemo,
): Promise<{ alice: TestBrowser; appCookie: string }> {
  const alice = await demo.login('alice');
  await demo.jitgate.grants.grant({
    user: 'alice',
    resource: 'payroll',
    durationMs: 10 * 60_000,
    actor: 'test',
  });
  assert.equal((await alice.navigate(`${demo.payrollOrigin}/`)).status, 200);
  const appCookie = alice.jar.get('payroll.localhost', APP_COOKIE) ?? '';
  assert.ok(appCookie);
  return { alice, appCookie };
}

/** Starts `app` on a loopback port and the demo in front of it (under `basePath`, if any). */
export async function demoInFrontOf(app: Server, basePath = ''): Promise<AppBehindDemo> {
  app.listen(0, '127.0.0.1');
  await once(app, 'listening');
  const { port } = app.address() as AddressInfo;
  const demo = await startTestDemo({ payrollUrl: `http://127.0.0.1:${port}${basePath}` });
  const { alice, appCookie } = await aliceOnPayroll(demo);
  const host = new URL(demo.payrollOrigin).host;
  return {
    demo,
    alice,
    appCookie,
    rawGet: (path, extra = '') =>
      rawExchange(
        demo.port,
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
          `Accept: application/json\r\n${extra}Connection: close\r\n\r\n`,
      ),
    async stop() {
      await demo.stop();
      app.closeAllConnections();
      app.close();
    },
  };
}
