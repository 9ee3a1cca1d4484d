/**
 * Several real jitgate processes on one real PostgreSQL, as a load balancer puts them side by
 * side: one public URL (`url`, a TCP switch the test points at a replica with `to`), the OIDC
 * IdP and the app upstream (an HTTP + WebSocket echo) in the test process, a webhook receiver,
 * and each replica a child process (support/replica-child.ts) with its own state folder (its own
 * instance id) and the same admin token. `kill` sends SIGKILL to a replica's process.
 * `startWorkers` starts a replica that is `jitgate serve` with `server.workers` (a primary and
 * its workers on one port, support/worker-group.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { connect, createServer as createTcp, type Server as TcpServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import express from 'express';
import pgClient from 'pg';
import { WebSocketServer } from 'ws';
import { ADMIN_TOKEN_FILE } from '../../proxy/api/admin-token.js';
import type { ConfigInput } from '../../proxy/config/schema.js';
import { oidcCallbackUrl } from '../../proxy/identity/oidc-callback.js';
import { createDemoIdp } from '../../proxy/demo/idp.js';
import { startSshTarget, type SshTarget } from '../../proxy/demo/ssh-target.js';
import { formAction, TestBrowser } from './http-client.js';
import { startTestPostgres, type TestPostgres } from './postgres.js';
import { testUser } from './test-proxy.js';
import { spawnWorkerGroup, type WorkerGroup } from './worker-group.js';

export interface Replica {
  name: string;
  port: number;
  process: ChildProcess;
}

export interface WebhookCall {
  body: Record<string, unknown>;
}

export interface ReplicaCluster {
  /** The public URL every replica is configured with (the switch). */
  url: string;
  /** The sshd behind the `shell` resource (login `deploy`), trusting the replicas' shared CA. */
  sshTarget: SshTarget;
  /** The app host behind the gateway (`echo`), through the switch. */
  appOrigin: string;
  adminToken: string;
  pg: TestPostgres;
  /** The database the replicas share. */
  storeUrl: string;
  /** Runs SQL on the replicas' database (the test's own connection). */
  query(sql: string, params?: unknown[]): Promise<pgClient.QueryResultRow[]>;
  replicas: Map<string, Replica>;
  /** What the webhook receiver was sent, in order. */
  webhooks: WebhookCall[];
  /** Points new connections to the public URL at replica `name` (open ones stay where they are). */
  to(name: string): void;
  /** Starts replica `name`; `storeUrl` routes its database connections another way (pg-link.ts). */
  start(name: string, options?: { storeUrl?: string }): Promise<Replica>;
  /** A replica of `count` workers on one port: `jitgate serve --config FILE`. */
  startWorkers(name: string, count: number): Promise<WorkerGroup>;
  kill(name: string): void;
  /** Signs `username` in: the login starts at replica `from` and the IdP returns to `finish`. */
  login(username: string, from: string, finish: string): Promise<TestBrowser>;
  stop(): Promise<void>;
}

const STORE_URL_ENV = 'JITGATE_TEST_REPLICA_STORE_URL';
const CLIENT_SECRET = 'replica-test-client-secret';
const USERS = [
  testUser('alice', ['staff']),
  // Approvers decide with a fresh step-up: the IdP vouches for Bob's (amr), as config trusts it.
  testUser('bob', ['staff', 'approvers'], ['pwd', 'mfa']),
  testUser('root', ['admins']),
  testUser('carol', ['auditors']),
  // Breaks the glass (tests that add a break-glass policy): that needs a fresh MFA, vouched for.
  testUser('erin', ['staff'], ['pwd', 'mfa']),
];

async function listening(server: Server | TcpServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The app behind the gateway: answers who it was told the person is, and echoes WebSockets. */
async function startEcho(): Promise<{ url: string; server: Server }> {
  const server = createHttp((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`echo for ${String(req.headers['x-echo-user'] ?? '?')}`);
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) =>
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
  );
  return { url: `http://127.0.0.1:${await listening(server)}`, server };
}

/** A TCP switch: each new connection goes to the replica the test chose last. */
async function startSwitch(port: () => number): Promise<{ port: number; server: TcpServer }> {
  const server = createTcp((client) => {
    const upstream = connect(port(), '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return { port: await listening(server), server };
}

/**
 * Starts replicas `names` on one PostgreSQL; `adjust` may change the config they all share
 * (a test's own policies or limits) before any starts.
 */
export async function startReplicaCluster(
  names: string[],
  adjust: (config: ConfigInput) => ConfigInput = (config) => config,
): Promise<ReplicaCluster> {
  const pg = await startTestPostgres();
  const storeUrl = await pg.createDatabase();
  const echo = await startEcho();
  const account = userInfo().username;
  // The replicas' CA is trusted once the first replica made it (it lives in the shared store).
  const sshTarget = await startSshTarget({ caKeys: [], principals: { [account]: ['deploy'] } });
  if (!sshTarget) throw new Error('sshd is not installed (openssh-server; see .ci/run)');
  const webhooks: WebhookCall[] = [];
  const receiver = createHttp((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      webhooks.push({ body: JSON.parse(Buffer.concat(chunks).toString()) as WebhookCall['body'] });
      res.end('ok');
    });
  });
  const receiverUrl = `http://127.0.0.1:${await listening(receiver)}/hook`;
  const replicas = new Map<string, Replica>();
  let current = '';
  const front = await startSwitch(() => replicas.get(current)?.port ?? 1);
  const url = `http://localhost:${front.port}`;

  const idpApp = express();
  const idpServer = createHttp(idpApp);
  const idpOrigin = `http://localhost:${await listening(idpServer)}`;
  const idp = await createDemoIdp({
    issuer: `${idpOrigin}/idp`,
    users: USERS,
    clients: [
      {
        clientId: 'jitgate',
        clientSecret: CLIENT_SECRET,
        redirectUris: [oidcCallbackUrl(url, 'corp')],
      },
    ],
    cookieKeys: ['replica-test-cookie-key'],
  });
  idpApp.use('/idp', idp.handler);

  const adminToken = `jga_${'r'.repeat(43)}`;
  // Every replica seals and opens MFA factors with one key, as docs/deployment.md asks.
  const sharedDir = mkdtempSync(join(tmpdir(), 'jitgate-replicas-shared-'));
  const mfaKeyFile = join(sharedDir, 'mfa.key');
  writeFileSync(mfaKeyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  const stateDirs: string[] = [sharedDir];
  const config = (stateDir: string, workers = 1): ConfigInput => adjust(base(stateDir, workers));
  const base = (stateDir: string, workers: number): ConfigInput => ({
    server: { host: '127.0.0.1', port: workers > 1 ? 0 : front.port, publicUrl: url, workers },
    state: { dir: stateDir },
    storage: { driver: 'postgres', postgres: { urlEnv: STORE_URL_ENV } },
    identityProviders: [
      {
        id: 'corp',
        issuer: `${idpOrigin}/idp`,
        clientId: 'jitgate',
        clientSecret: CLIENT_SECRET,
        scopes: ['openid', 'email', 'profile', 'groups'],
        passUnmappedGroups: true,
        allowInsecureRequests: true,
        trustMfaFromIdp: true,
      },
    ],
    resources: [
      {
        id: 'echo',
        kind: 'web',
        name: 'Echo',
        host: 'echo.localhost',
        upstream: echo.url,
        headers: { 'X-Echo-User': '{username}' },
      },
      {
        id: 'shell',
        kind: 'ssh',
        name: 'Shell',
        host: sshTarget.host,
        port: sshTarget.port,
        logins: ['deploy'],
        ...(account === 'deploy' ? {} : { accounts: { deploy: account } }),
        hostKey: sshTarget.hostKey,
        recording: 'required',
      },
    ],
    policies: [
      {
        id: 'staff-echo',
        resources: ['echo'],
        subjects: { groups: ['staff'], kinds: ['person'] },
        maxDuration: '8h',
        approval: { groups: ['approvers'], count: 1 },
      },
      {
        id: 'staff-shell',
        resources: ['shell'],
        subjects: { groups: ['staff'], kinds: ['person'] },
        maxDuration: '8h',
        approval: { groups: ['approvers'], count: 1 },
      },
    ],
    admins: { groups: ['admins'] },
    auditors: { groups: ['auditors'] },
    notifications: {
      webhooks: [{ id: 'receiver', url: receiverUrl, secret: 'replica-test-webhook-secret' }],
    },
    mfa: { atLogin: false, encryptionKeyFile: mfaKeyFile },
  });

  const db = new pgClient.Pool({ connectionString: storeUrl, max: 2 });
  // An idle connection dropped while a test stops PostgreSQL: the next query opens a new one.
  db.on('error', () => undefined);
  const cluster: ReplicaCluster = {
    url,
    storeUrl,
    query: async (sql, params = []) => (await db.query<pgClient.QueryResultRow>(sql, params)).rows,
    appOrigin: `http://echo.localhost:${front.port}`,
    sshTarget,
    adminToken,
    pg,
    replicas,
    webhooks,
    to(name) {
      if (!replicas.has(name)) throw new Error(`no replica ${name}`);
      current = name;
    },
    async start(name, options = {}) {
      const stateDir = mkdtempSync(join(tmpdir(), `jitgate-replica-${name}-`));
      stateDirs.push(stateDir);
      writeFileSync(join(stateDir, ADMIN_TOKEN_FILE), adminToken + '\n', { mode: 0o600 });
      // Its own process group, so SIGKILL takes the replica and anything it started at once.
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/replica-child.ts'], {
        env: {
          ...process.env,
          JITGATE_REPLICA_CONFIG: JSON.stringify(config(stateDir)),
          [STORE_URL_ENV]: options.storeUrl ?? storeUrl,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true,
      });
      const lines = createInterface({ input: child.stdout });
      const [line] = (await Promise.race([
        once(lines, 'line'),
        once(child, 'exit').then(() => {
          throw new Error(`replica ${name} exited before it listened`);
        }),
      ])) as [string];
      const replica = { name, port: (JSON.parse(line) as { port: number }).port, process: child };
      replicas.set(name, replica);
      if (!current) current = name;
      return replica;
    },
    async startWorkers(name, count) {
      const stateDir = mkdtempSync(join(tmpdir(), `jitgate-workers-${name}-`));
      stateDirs.push(stateDir);
      writeFileSync(join(stateDir, ADMIN_TOKEN_FILE), adminToken + '\n', { mode: 0o600 });
      const configFile = join(stateDir, 'jitgate.json');
      writeFileSync(configFile, JSON.stringify(config(stateDir, count)), { mode: 0o600 });
      const group = await spawnWorkerGroup(configFile, { [STORE_URL_ENV]: storeUrl });
      replicas.set(name, { name, port: group.port, process: group.process });
      if (!current) current = name;
      return group;
    },
    kill(name) {
      const replica = replicas.get(name);
      if (replica?.process.exitCode === null && replica.process.signalCode === null)
        process.kill(-(replica.process.pid ?? 0), 'SIGKILL');
    },
    async login(username, from, finish) {
      const browser = new TestBrowser();
      cluster.to(from);
      const form = await browser.navigate(`${url}/auth/login?idp=corp`);
      cluster.to(finish);
      const landed = await browser.postForm(formAction(form), { username, password: 'demo' });
      if (landed.status !== 200) throw new Error(`login of ${username} ended in ${landed.status}`);
      return browser;
    },
    async stop() {
      for (const replica of replicas.values()) {
        if (replica.process.exitCode !== null || replica.process.signalCode !== null) continue;
        const exited = once(replica.process, 'exit');
        process.kill(replica.process.pid ?? 0, 'SIGTERM');
        await exited;
      }
      await sshTarget.close();
      for (const server of [front.server, echo.server, receiver, idpServer]) {
        server.close();
        (server as Server).closeAllConnections?.();
      }
      await db.end();
      await pg.stop();
      for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const name of names) await cluster.start(name);
  if (names.length > 0) {
    const ca = await fetch(`${url}/ssh/ca.pub`).then((r) => r.text());
    sshTarget.trust(ca.split('\n').filter((line) => line.trim() !== ''));
  }
  return cluster;
}
