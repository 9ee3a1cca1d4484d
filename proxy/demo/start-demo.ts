/**
 * `npm start` with no config: jitgate on http://localhost:8080 (loopback only) with an embedded
 * IdP at /idp, the payroll demo app at http://payroll.localhost:8080, an sshd behind prod-shell
 * and a PostgreSQL behind orders-db (each when installed), state in ./.jitgate.
 * Tests start the same demo on a random port with a temporary state folder.
 */
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { resolve } from 'node:path';
import { validateConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { alsoListen, createHttpServer, listen } from '../server/http-server.js';
import { startJitgate, type RunningJitgate } from '../server/start.js';
import {
  DEMO_IDPS,
  DEMO_SAML_IDP,
  DEMO_USERS,
  demoConfig,
  type DemoConfigInput,
  type DemoIdpId,
} from './demo-config.js';
import { oidcCallbackUrl } from '../identity/oidc-callback.js';
import { samlSpUrls } from '../identity/saml-login.js';
import { createDemoSamlIdp } from './saml-idp.js';
import { DEMO_API_RESOURCE, DEMO_MACHINE_CLIENTS } from './demo-machines.js';
import { createDemoIdp, type DemoClient } from './idp.js';
import { setUpOrdersDb, type OrdersDb } from './orders-db.js';
import { startPayrollApp, type PayrollApp } from './payroll.js';
import { seedDemoUsers } from './demo-users.js';
import { jitgateVerifier } from './payroll-login.js';
import { startDemoGuard, startDemoSshTarget, type DemoSshTarget } from './demo-terminal.js';
import type { CastFiles } from '../../recorder/asciicast/index.js';
import type { TargetAgent } from '../target/target-agent.js';

export interface DemoOptions {
  port?: number;
  stateDir?: string;
  log?: Logger;
  /** Use this URL as the payroll upstream instead of starting the demo app (benchmarks). */
  payrollUrl?: string;
  /** Where terminal recordings are written (tests hand in files that fail on cue). */
  recordingFiles?: CastFiles;
  /** The store: SQLite in stateDir unless given (PostgreSQL for several replicas). */
  storage?: ConfigInput['storage'];
  /** Where storage.postgres.urlEnv is looked up. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Changes the demo's config before it is validated (tests add a webhook receiver). */
  configure?: (config: ConfigInput) => ConfigInput;
  /** Sign-in limits other than the defaults (tests of the limits themselves). */
  rateLimits?: DemoConfigInput['rateLimits'];
  /**
   * Start a private PostgreSQL behind orders-db when JITGATE_DEMO_PG_URL names none (default
   * true, as `npm start` does; tests that never touch orders-db pass false to save the initdb).
   */
  postgres?: boolean;
}

export interface RunningDemo {
  url: string;
  port: number;
  stateDir: string;
  payroll: PayrollApp;
  payrollOrigin: string;
  /** The demo sshd behind prod-shell; undefined when sshd is not installed. */
  sshTarget: DemoSshTarget | undefined;
  /** The demo target's agent (RevokedKeys, ending sessions); undefined when it is not guarded. */
  guard: Pick<TargetAgent, 'nextPass'> | undefined;
  jitgate: RunningJitgate;
  /** Client-credentials machines at the demo IdP (secrets are new at every start). */
  machines: DemoMachine[];
  /** orders-db's PostgreSQL: whether roles can be minted, and a line saying where or why not. */
  ordersDb: Pick<OrdersDb, 'ready' | 'summary'>;
  /** demo-cluster's reviewer token: the bearer its API server sends to the TokenReview webhook. */
  kubeReviewerToken: string;
  close(): Promise<void>;
}

export interface DemoMachine {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
}

const secret = () => randomBytes(24).toString('base64url');

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const log = options.log ?? createLogger();
  const stateDir = resolve(options.stateDir ?? '.jitgate');
  let port = 0;
  // Payroll's own login asks jitgate over HTTP, once jitgate listens (payroll-login.ts).
  const verifyLogin = jitgateVerifier(() => `http://127.0.0.1:${port}`, 'payroll');
  const payroll: PayrollApp = options.payrollUrl
    ? { url: options.payrollUrl, close: async () => undefined }
    : await startPayrollApp({ verifyLogin });
  const http = createHttpServer(log);
  port = await listen(http.server, options.port ?? 8080, '127.0.0.1');
  await alsoListen(http.server, port, '::1');
  const sshTarget = await startDemoSshTarget(log);
  let ordersDb: OrdersDb | undefined;
  try {
    ordersDb = await setUpOrdersDb({ stateDir, log, startCluster: options.postgres ?? true });
    const clientSecrets = { demo: secret(), vendors: secret() };
    const kubeReviewerToken = secret();
    const input = demoConfig({
      port,
      stateDir,
      clientSecrets,
      payrollUrl: payroll.url,
      sshTarget,
      ordersDb,
      ...(options.storage ? { storage: options.storage } : {}),
      kubeReviewerToken,
      rateLimits: options.rateLimits,
    });
    const config = validateConfig(
      options.configure ? options.configure(input) : input,
      options.env,
    );
    const machines: DemoMachine[] = DEMO_MACHINE_CLIENTS.map((clientId) => ({
      clientId,
      clientSecret: secret(),
      tokenUrl: `http://localhost:${port}${DEMO_IDPS.demo.path}/token`,
    }));
    const machineClients: DemoClient[] = machines.map((m) => ({
      clientId: m.clientId,
      clientSecret: m.clientSecret,
      redirectUris: [],
      grantTypes: ['client_credentials'],
    }));
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
            redirectUris: [oidcCallbackUrl(`http://localhost:${port}`, id)],
          },
          ...(id === 'demo' ? machineClients : []),
        ],
        ...(id === 'demo' ? { apiResource: DEMO_API_RESOURCE } : {}),
        cookieKeys: [secret()],
        log: (msg, fields) => log.warn(`demo idp ${id}: ${msg}`, fields),
      });
      mounts.push([DEMO_IDPS[id].path, idp.handler]);
    }
    mounts.push([DEMO_SAML_IDP.path, demoSamlIdp(port, log).handler]);
    const jitgate = await startJitgate({
      config,
      log,
      http,
      mounts,
      configSource: 'demo',
      recordingFiles: options.recordingFiles,
    });
    sshTarget?.trust(jitgate.terminals.ca.publicKeyLines());
    // The demo target's guard, as `jitgate target-agent` runs on a real one (docs/terminals.md).
    const guard = await startDemoGuard(sshTarget, `http://127.0.0.1:${port}`, log);
    await seedDemoUsers(config, jitgate.store.users);
    return {
      url: jitgate.url,
      port,
      stateDir,
      payroll,
      payrollOrigin: `http://payroll.localhost:${port}`,
      sshTarget,
      guard,
      jitgate,
      machines,
      ordersDb: { ready: ordersDb.ready, summary: ordersDb.summary },
      kubeReviewerToken,
      async close() {
        await guard?.stop();
        await jitgate.close();
        await payroll.close();
        await sshTarget?.close();
        await ordersDb?.close();
      },
    };
  } catch (error) {
    http.server.close();
    await payroll.close();
    await sshTarget?.close();
    await ordersDb?.close();
    throw error;
  }
}

/** The demo SAML IdP, serving jitgate's SAML login for DEMO_SAML_IDP. */
function demoSamlIdp(port: number, log: Logger) {
  const origin = `http://localhost:${port}`;
  const sp = samlSpUrls(origin, DEMO_SAML_IDP.id);
  return createDemoSamlIdp({
    baseUrl: `${origin}${DEMO_SAML_IDP.path}`,
    users: DEMO_USERS.filter((u) =>
      (DEMO_SAML_IDP.users as readonly string[]).includes(u.username),
    ),
    sp: { entityId: sp.metadataUrl, acsUrl: sp.acsUrl },
    log: (msg, fields) => log.warn(`demo saml idp: ${msg}`, fields),
  });
}
