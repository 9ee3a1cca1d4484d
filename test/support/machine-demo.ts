/**
 * The demo with a real PostgreSQL behind `orders-db`, for the machine and credential tests: a
 * private cluster (support/postgres.ts), the demo on a random port, and helpers to act as the
 * demo's CI machine (client credentials at the in-process IdP) and as approver bob.
 */
import { subjectFromUser } from '../../proxy/access/subject.js';
import type { UserRecord } from '../../proxy/store/types.js';
import { startTestDemo, type TestDemo } from './demo.js';
import { startTestPostgres, type TestPostgres } from './postgres.js';

export interface MachineDemo {
  demo: TestDemo;
  pg: TestPostgres;
  /** The proxy as Node reaches it. */
  url: string;
  /** Env for the CLI acting as the demo machine `clientId` (default ci-runner). */
  machineEnv(clientId?: string): Record<string, string>;
  /** A bearer token of the demo machine `clientId`, from the IdP's token endpoint. */
  machineToken(clientId?: string): Promise<string>;
  /** Approves a request as bob (an approver who has just stepped up). */
  approveAsBob(requestId: string): Promise<void>;
  /** Standing login roles jitgate made (jg_…), as PostgreSQL sees them. */
  jitgateRoles(): Promise<string[]>;
  stop(): Promise<void>;
}

const BOB: UserRecord = {
  id: 'demo:bob',
  idp: 'demo',
  subject: 'bob',
  username: 'bob',
  email: 'bob@demo.jitgate.test',
  name: 'Bob Approver',
  groups: ['approvers', 'staff'],
  kind: 'person',
  claims: {},
  lastLoginAt: 0,
};

export async function startMachineDemo(): Promise<MachineDemo> {
  const pg = await startTestPostgres();
  process.env.JITGATE_DEMO_PG_URL = pg.adminUrl;
  const demo = await startTestDemo();
  const url = `http://127.0.0.1:${demo.port}`;
  const machine = (clientId = 'ci-runner') => {
    const found = demo.machines.find((m) => m.clientId === clientId);
    if (!found) throw new Error(`no demo machine ${clientId}`);
    return found;
  };
  return {
    demo,
    pg,
    url,
    machineEnv: (clientId) => {
      const m = machine(clientId);
      return {
        JITGATE_CLIENT_ID: m.clientId,
        JITGATE_CLIENT_SECRET: m.clientSecret,
        JITGATE_TOKEN_URL: m.tokenUrl,
        JITGATE_URL: url,
      };
    },
    async machineToken(clientId) {
      const m = machine(clientId);
      const basic = Buffer.from(`${m.clientId}:${m.clientSecret}`).toString('base64');
      const response = await fetch(m.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      const json = (await response.json()) as { access_token?: string };
      if (!json.access_token) throw new Error(`no token for ${m.clientId}: ${response.status}`);
      return json.access_token;
    },
    async approveAsBob(requestId) {
      await demo.jitgate.store.users.upsert(BOB);
      await demo.jitgate.requests.approve(subjectFromUser(BOB), requestId, {}, { mfaFresh: true });
    },
    async jitgateRoles() {
      const rows = await pg.query(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'jg\\_%' ORDER BY rolname",
      );
      return rows.map((row) => String(row.rolname));
    },
    async stop() {
      await demo.stop();
      await pg.stop();
    },
  };
}

/** Polls `check` until it holds (or throws after `timeoutMs`). */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
