// POST /ssh/standing-report on a small Express app over an in-memory store: a report the agent
// proves with its resource's token is kept and audited as standing.reported (the resource, how
// many findings, who reported); a refused report is neither; and a report whose event cannot be
// written is refused and not kept (fail closed: no standing report without its audit event).
// The route against a real agent and sshd: test/integration/target/ssh-standing.test.ts.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import express from 'express';
import {
  standingReportRoutes,
  type StandingReportRoutesDeps,
} from '../../../proxy/api/standing-report-routes.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { sshResource } from '../../../proxy/config/ssh-schema.js';
import { errorHandler } from '../../../proxy/server/error-handler.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { emptyStandingReport } from '../../../proxy/shared/ssh-standing-report.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { ed25519Blob, fingerprint, publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';

const T0 = Date.parse('2026-12-03T09:00:00Z');
const TOKEN = 'agent-token-of-prod-shell-0123456789abcdef';
const hostKey = publicKeyLine(generateKeyPairSync('ed25519').publicKey);
const RESOURCE = sshResource.parse({
  id: 'prod-shell',
  kind: 'ssh',
  host: '127.0.0.1',
  logins: ['deploy'],
  hostKey,
  agentToken: TOKEN,
});
const KEY = fingerprint(ed25519Blob(generateKeyPairSync('ed25519').publicKey));
/** Two findings: a key in root's authorized_keys, and password logins. */
const REPORT = {
  ...emptyStandingReport('prod-shell'),
  sshd: { ...emptyStandingReport('prod-shell').sshd, passwordAuthentication: true },
  keys: [
    {
      account: 'root',
      file: '/root/.ssh/authorized_keys',
      line: 1,
      type: 'ssh-ed25519',
      fingerprint: KEY,
      comment: 'ops',
      certAuthority: false,
    },
  ],
};

const closers: (() => void)[] = [];
after(() => closers.forEach((close) => close()));

/** The route on its own app; `audit` replaces the real log (to make its writes fail). */
async function serve(audit?: StandingReportRoutesDeps['audit']) {
  const store = openSqliteStore(':memory:');
  const log = new AuditLog(store.audit, store, () => T0);
  let scans = 0;
  const app = express();
  app.use(
    '/ssh/standing-report',
    standingReportRoutes({
      resources: [RESOURCE],
      store,
      audit: audit ?? log,
      jitgateCas: async () => new Set<string>(),
      standing: {
        scan: async () => {
          scans++;
          return [];
        },
      },
      clientOf: (req) => req.socket.remoteAddress ?? 'unknown',
      now: () => T0,
    }),
  );
  app.use(errorHandler(silentLogger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    post: (body: unknown, token = TOKEN) =>
      fetch(`${base}/ssh/standing-report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      }),
    /** A body as is (not JSON-encoded), with or without a bearer. */
    postRaw: (body: string, token?: string) =>
      fetch(`${base}/ssh/standing-report`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      }),
    events: () => log.list({ code: 'standing.reported', limit: 100 }),
    reports: () => store.standingReports.list(),
    scans: () => scans,
  };
}

void describe('POST /ssh/standing-report', () => {
  void test('audits a report: the resource, how many findings, who reported it', async () => {
    const route = await serve();
    const reply = await route.post(REPORT);
    assert.equal(reply.status, 204, await reply.text());
    const events = await route.events();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.actor, 'target-agent');
    assert.equal(events[0]?.target, 'prod-shell');
    assert.deepEqual(events[0]?.data, { resource: 'prod-shell', findings: 2, client: '127.0.0.1' });
    assert.equal((await route.reports())[0]?.findings.length, 2);
    assert.equal(route.scans(), 1);

    assert.equal((await route.post(emptyStandingReport('prod-shell'))).status, 204);
    assert.deepEqual(
      (await route.events()).map((event) => event.data.findings),
      [2, 0],
      'a clean report is audited too',
    );
  });

  void test('audits nothing it refuses', async () => {
    const route = await serve();
    assert.equal((await route.post(REPORT, 'wrong-token-wrong-token-wrong-token')).status, 401);
    const hostile = { ...REPORT, principals: [{ account: 'root', principal: 'x\u001b[2J' }] };
    assert.equal((await route.post(hostile)).status, 400);
    assert.deepEqual(await route.events(), []);
    assert.deepEqual(await route.reports(), []);
  });

  // The route takes bodies of 4 MiB (a host with many keys): nobody without an agent token may
  // make jitgate read and parse that much.
  void test('refuses a caller without an agent token before reading the body', async () => {
    const route = await serve();
    for (const token of [undefined, 'wrong-token-wrong-token-wrong-token']) {
      const reply = await route.postRaw('{"resource": "prod-shell", "keys": [', token);
      const text = await reply.text();
      assert.equal(reply.status, 401, `${token ?? 'no token'}: ${text}`);
      assert.equal(
        (JSON.parse(text) as { error: { code: string } }).error.code,
        'agent_token_invalid',
      );
    }
    assert.deepEqual(await route.events(), []);
  });

  void test('refuses a report whose event cannot be written, and keeps nothing of it', async () => {
    const route = await serve({
      append: () => Promise.reject(new Error('the audit log is unavailable')),
    });
    const reply = await route.post(REPORT);
    assert.equal(reply.status, 500, await reply.text());
    assert.deepEqual(await route.reports(), [], 'the report rolled back with its event');
    assert.equal(route.scans(), 0);
  });
});
