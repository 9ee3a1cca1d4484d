// GET /sessions/:id/recording.cast on a small Express app over an in-memory store: every read of
// a finished recording is audited before its bytes leave, as watching a live session is. The
// player's read is `recording.viewed` (the watched person in data.user, via player), a download
// (?download=1) is `recording.exported`; a read whose event cannot be written is refused (fail
// closed: no record, no replay). The player against a real terminal and browser:
// test/integration/terminal/web-terminal.test.ts and test/e2e/terminal.test.ts.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import express from 'express';
import { newRecordingId, RecordingStorage } from '../../../recorder/asciicast/index.js';
import { Authorization } from '../../../proxy/access/authorization.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import type { PortalDeps } from '../../../proxy/portal/deps.js';
import { sessionPageRoutes, type SessionPagesDeps } from '../../../proxy/portal/sessions-page.js';
import { errorHandler } from '../../../proxy/server/error-handler.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { recordingSigningKey } from '../../../proxy/terminal/recording-key.js';

const T0 = Date.parse('2026-12-03T09:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'jitgate-recording-cast-'));
const closers: (() => void)[] = [];
after(() => {
  closers.forEach((close) => close());
  rmSync(dir, { recursive: true, force: true });
});

const person = (id: string, groups: string[]): SessionUser => ({
  id,
  idp: 'test',
  username: id,
  email: null,
  name: null,
  groups,
  kind: 'person',
  loginAt: T0,
});
const auditor = person('usr_auditor', ['auditors']);
const someone = person('usr_someone', []);

/** One sealed recording of usr_watched on prod-shell, and the route on its own app. */
async function serve(audit?: SessionPagesDeps['audit']) {
  const store = openSqliteStore(':memory:');
  const log = new AuditLog(store.audit, store, () => T0);
  const signingKey = await recordingSigningKey(store.settings);
  const storage = new RecordingStorage({
    dir: mkdtempSync(join(dir, 'recordings-')),
    signingKey,
    trustedKeys: [createPublicKey(signingKey)],
    now: () => T0,
  });
  const id = newRecordingId();
  const started = await storage.start(
    id,
    { version: 2, width: 80, height: 24, timestamp: 1 },
    { onError: () => undefined },
  );
  started.writer.output('whoami\r\nroot\r\n');
  const sealed = await storage.finish(started);
  await store.terminalSessions.insert({
    id,
    userId: 'usr_watched',
    resourceId: 'prod-shell',
    login: 'deploy',
    grantId: 'grt_1',
    via: 'web',
    startedAt: T0,
    endedAt: T0 + 1000,
    endReason: 'exit',
    state: 'ended',
    recordingState: 'complete',
    recording: `${id}.cast`,
    checksum: sealed.sha256,
    bytes: sealed.bytes,
    instance: null,
  });
  // The recording routes ask the portal only who oversees sessions.
  const authorization = new Authorization({
    adminGroups: ['admins'],
    auditorGroups: ['auditors'],
    policies: [],
  });
  const portal = { authorization } as Pick<PortalDeps, 'authorization'> as PortalDeps;
  let user = auditor;
  const app = express();
  app.use((req, _res, next) => {
    req.session = { user } as typeof req.session;
    next();
  });
  app.use(
    sessionPageRoutes(portal, {
      sessions: store.terminalSessions,
      users: store.users,
      service: {
        remote: {
          liveIds: async () => new Set<string>(),
          terminate: () => Promise.reject(new Error('nothing is terminated here')),
        },
      },
      storage,
      audit: audit ?? log,
    }),
  );
  app.use(errorHandler(silentLogger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    id,
    cast: await storage.read(id),
    as(who: SessionUser) {
      user = who;
    },
    get: (query = '') => fetch(`${base}/sessions/${id}/recording.cast${query}`),
    events: async () =>
      (await log.list({ limit: 100 })).map((e) => ({
        code: e.code,
        actor: e.actor,
        target: e.target,
        data: e.data,
      })),
  };
}

void describe('GET /sessions/:id/recording.cast', () => {
  void test("audits the player's read as recording.viewed, before the bytes", async () => {
    const route = await serve();
    const reply = await route.get();
    assert.equal(reply.status, 200);
    assert.ok(Buffer.from(await reply.arrayBuffer()).equals(route.cast));
    assert.deepEqual(await route.events(), [
      {
        code: 'recording.viewed',
        actor: 'usr_auditor',
        target: 'prod-shell',
        data: { session: route.id, user: 'usr_watched', via: 'player' },
      },
    ]);
  });

  void test('audits a download as recording.exported', async () => {
    const route = await serve();
    const reply = await route.get('?download=1');
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-disposition') ?? '', /attachment/);
    const events = await route.events();
    assert.deepEqual(
      events.map((e) => [e.code, e.data.via, e.data.user]),
      [['recording.exported', 'portal', 'usr_watched']],
    );
  });

  void test('refuses the recording when its read cannot be audited', async () => {
    const route = await serve({
      record: () => Promise.reject(new Error('the audit log is unavailable')),
    });
    for (const query of ['', '?download=1']) {
      const reply = await route.get(query);
      assert.equal(reply.status, 500, query);
      assert.ok(!(await reply.text()).includes('whoami'), 'no byte of the recording');
    }
  });

  void test('audits nothing it refuses', async () => {
    const route = await serve();
    route.as(someone);
    assert.equal((await route.get()).status, 403);
    assert.deepEqual(await route.events(), []);
  });
});
