/**
 * `PORT=P npm run demo:replicas`: the demo as several replicas on PostgreSQL. A private
 * PostgreSQL cluster (the installed Debian one), the demo IdPs and payroll in this process, two
 * jitgate replicas (processes of their own) on P+1 and P+2 sharing the database, and nginx on P
 * as a round-robin load balancer; all on loopback. Logins, apps and the CLI (`PORT=P npx jitgate
 * grant …`) work through P as through `npm start`. Ctrl-C stops everything.
 *
 * State: `.jitgate` (or JITGATE_STATE_DIR) holds the admin token the CLI reads, the MFA key the
 * replicas share, and each replica's own folder (replicas/1, replicas/2). The database is new at
 * every start: the demo keeps nothing between runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import express from 'express';
import { ADMIN_TOKEN_FILE, ensureAdminToken } from '../../api/admin-token.js';
import { oidcCallbackUrl } from '../../identity/oidc-callback.js';
import { samlSpUrls } from '../../identity/saml-login.js';
import {
  DEMO_IDPS,
  DEMO_SAML_IDP,
  DEMO_USERS,
  demoConfig,
  type DemoIdpId,
} from '../demo-config.js';
import { createDemoIdp } from '../idp.js';
import { startPayrollApp } from '../payroll.js';
import { jitgateVerifier } from '../payroll-login.js';
import { DEMO_PG_ENV } from '../demo-machines.js';
import { createDemoSamlIdp } from '../saml-idp.js';
import { findNginx, nginxListening, startNginx } from './nginx.js';
import { startPostgresCluster } from '../postgres-cluster.js';

const REPLICAS = 2;
const STORE_URL_ENV = 'JITGATE_DEMO_REPLICAS_STORE_URL';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 1 || port > 65535 - REPLICAS - 1) {
  process.stderr.write(`PORT must be a port number with room for ${REPLICAS + 1} after it\n`);
  process.exit(2);
}
const origin = `http://localhost:${port}`;
const replicaPorts = Array.from({ length: REPLICAS }, (_, i) => port + 1 + i);
const idpPort = port + REPLICAS + 1;
const stateDir = resolve(process.env.JITGATE_STATE_DIR ?? '.jitgate');
const secret = () => randomBytes(24).toString('base64url');

const stops: (() => Promise<void> | void)[] = [];
let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

/** What both replicas and the IdPs agree on, made once here. */
function sharedState() {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  ensureAdminToken(stateDir);
  const mfaKey = join(stateDir, 'replicas', 'mfa.key');
  mkdirSync(join(stateDir, 'replicas'), { recursive: true, mode: 0o700 });
  if (!existsSync(mfaKey))
    writeFileSync(mfaKey, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  return { mfaKey, clientSecrets: { demo: secret(), vendors: secret() } };
}

/** The demo IdPs (OIDC staff and vendors, SAML) behind nginx at their paths, in this process. */
async function startIdps(clientSecrets: Record<DemoIdpId, string>) {
  const app = express();
  for (const id of Object.keys(DEMO_IDPS) as DemoIdpId[]) {
    const idp = await createDemoIdp({
      issuer: `${origin}${DEMO_IDPS[id].path}`,
      users: DEMO_USERS.filter((u) =>
        (DEMO_IDPS[id].users as readonly string[]).includes(u.username),
      ),
      clients: [
        {
          clientId: 'jitgate-portal',
          clientSecret: clientSecrets[id],
          redirectUris: [oidcCallbackUrl(origin, id)],
        },
      ],
      cookieKeys: [secret()],
    });
    app.use(DEMO_IDPS[id].path, idp.handler);
  }
  const sp = samlSpUrls(origin, DEMO_SAML_IDP.id);
  const saml = createDemoSamlIdp({
    baseUrl: `${origin}${DEMO_SAML_IDP.path}`,
    users: DEMO_USERS.filter((u) =>
      (DEMO_SAML_IDP.users as readonly string[]).includes(u.username),
    ),
    sp: { entityId: sp.metadataUrl, acsUrl: sp.acsUrl },
  });
  app.use(DEMO_SAML_IDP.path, saml.handler);
  const server = createServer(app);
  server.listen(idpPort, '127.0.0.1');
  await once(server, 'listening');
  stops.push(() => {
    server.closeAllConnections();
    server.close();
  });
}

async function startReplica(
  index: number,
  config: object,
  storeUrl: string,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'replica.ts')],
    {
      env: {
        ...process.env,
        JITGATE_REPLICA_CONFIG: JSON.stringify(config),
        JITGATE_REPLICA_PORT: String(replicaPorts[index]),
        JITGATE_REPLICA_NAME: `replica-${index + 1}`,
        [STORE_URL_ENV]: storeUrl,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  stops.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  const lines = createInterface({ input: child.stdout });
  await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`replica ${index + 1} exited before it was ready`);
    }),
  ]);
  return child;
}

async function main() {
  const nginx = findNginx();
  // The same private cluster the plain demo starts (a free loopback port, scram passwords).
  const pg = await startPostgresCluster();
  stops.push(() => pg.stop());
  const { mfaKey, clientSecrets } = sharedState();
  await startIdps(clientSecrets);
  const payroll = await startPayrollApp({
    verifyLogin: jitgateVerifier(() => `http://127.0.0.1:${port}`, 'payroll'),
  });
  stops.push(() => payroll.close());
  for (let i = 0; i < REPLICAS; i++) {
    const dir = join(stateDir, 'replicas', String(i + 1));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The CLI reads the admin token from the demo's state folder; every replica accepts it.
    copyFileSync(join(stateDir, ADMIN_TOKEN_FILE), join(dir, ADMIN_TOKEN_FILE));
    const input = demoConfig({
      port,
      stateDir: dir,
      clientSecrets,
      payrollUrl: payroll.url,
      storage: { driver: 'postgres', postgres: { urlEnv: STORE_URL_ENV } },
      kubeReviewerToken: secret(),
      // orders-db as in a plain demo with no cluster of its own: its admin URL from the env.
      ordersDb: { adminUrl: { env: DEMO_PG_ENV }, database: 'postgres' },
    });
    const config = { ...input, mfa: { ...input.mfa, encryptionKeyFile: mfaKey } };
    // One after the other: the first runs the migrations.
    await startReplica(i, config, pg.url);
  }
  const balancer = startNginx(nginx, {
    port,
    replicaPorts,
    idpPort,
    idpPaths: [...Object.values(DEMO_IDPS).map((idp) => idp.path), DEMO_SAML_IDP.path],
    ipv6: true,
  });
  stops.push(() => balancer.stop());
  balancer.process.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`nginx exited (${code})\n`);
      void stopAll(1);
    }
  });
  await nginxListening(balancer, port);
  process.stdout.write(
    `jitgate demo: ${REPLICAS} replicas (ports ${replicaPorts.join(', ')}) on PostgreSQL behind nginx at ${origin}\n` +
      `  sign in as alice, bob, carol or vic (password: demo); CLI: PORT=${port} npx jitgate grant alice payroll --for 30m\n` +
      `  Ctrl-C stops everything\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo:replicas: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  void stopAll(1);
});
