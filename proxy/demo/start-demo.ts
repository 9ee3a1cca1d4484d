/**
 * `npm start` with no config: jitgate on http://localhost:8080 (loopback only) with an embedded
 * IdP at /idp, the payroll demo app at http://payroll.localhost:8080, state in ./.jitgate.
 * Tests start the same demo on a random port with a temporary state folder.
 */
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { resolve } from 'node:path';
import { validateConfig } from '../config/load.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { alsoListen, createHttpServer, listen } from '../server/http-server.js';
import { startJitgate, type RunningJitgate } from '../server/start.js';
import { DEMO_IDPS, DEMO_USERS, demoConfig, type DemoIdpId } from './demo-config.js';
import { createDemoIdp } from './idp.js';
import { startPayrollApp, type PayrollApp } from './payroll.js';

export interface DemoOptions {
  port?: number;
  stateDir?: string;
  log?: Logger;
  /** Use this URL as the payroll upstream instead of starting the demo app (benchmarks). */
  payrollUrl?: string;
}

export interface RunningDemo {
  url: string;
  port: number;
  stateDir: string;
  payroll: PayrollApp;
  payrollOrigin: string;
  jitgate: RunningJitgate;
  close(): Promise<void>;
}

const secret = () => randomBytes(24).toString('base64url');

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const log = options.log ?? createLogger();
  const stateDir = resolve(options.stateDir ?? '.jitgate');
  const payroll: PayrollApp = options.payrollUrl
    ? { url: options.payrollUrl, close: async () => undefined }
    : await startPayrollApp();
  const http = createHttpServer(log);
  const port = await listen(http.server, options.port ?? 8080, '127.0.0.1');
  await alsoListen(http.server, port, '::1');
  try {
    const clientSecrets = { demo: secret(), vendors: secret() };
    const config = validateConfig(
      demoConfig({ port, stateDir, clientSecrets, payrollUrl: payroll.url }),
    );
    const mounts: [string, RequestHandler][] = [];
    for (const id of Object.keys(DEMO_IDPS) as DemoIdpId[]) {
      const idp = await createDemoIdp({
        issuer: `http://localhost:${port}${DEMO_IDPS[id].path}`,
        users: DEMO_USERS.filter((u) =>
          (DEMO_IDPS[id].users as readonly string[]).includes(u.username),
        ),
        clients: [
          {
            clientId: 'jitgate-portal',
            clientSecret: clientSecrets[id],
            redirectUris: [`http://localhost:${port}/auth/callback`],
          },
        ],
        cookieKeys: [secret()],
        log: (msg, fields) => log.warn(`demo idp ${id}: ${msg}`, fields),
      });
      mounts.push([DEMO_IDPS[id].path, idp.handler]);
    }
    const jitgate = await startJitgate({
      config,
      log,
      http,
      mounts,
      configSource: 'demo',
    });
    return {
      url: jitgate.url,
      port,
      stateDir,
      payroll,
      payrollOrigin: `http://payroll.localhost:${port}`,
      jitgate,
      async close() {
        await jitgate.close();
        await payroll.close();
      },
    };
  } catch (error) {
    http.server.close();
    await payroll.close();
    throw error;
  }
}
