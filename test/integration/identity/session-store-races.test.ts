/**
 * The session store under concurrent requests, with the interleaving held open on purpose: many
 * requests load a session and park (a gate the test controls) before they write it back; the
 * session is destroyed (logout) or given a new id (login, step-up) while they wait; then they
 * all write. A destroyed or regenerated-away id must stay dead: no in-flight write may put it
 * back. This is the real express-session middleware over jitgate's store and SQLite.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import express from 'express';
import { JitgateSessionStore } from '../../../proxy/identity/session-store.js';
import { sessionUserOf } from '../../../proxy/identity/session-user.js';
import '../../../proxy/portal/session.js';
import { createSessionMiddleware } from '../../../proxy/server/express-app.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';
import { rawRequest, type Reply } from '../../support/http-client.js';
import { sessionIdOf } from '../../support/wire.js';
import { personRecord } from '../../support/person.js';

const COOKIE = 'race_session';
const WRITERS = 25;

const promisify = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) =>
    fn((err) =>
      err ? reject(err instanceof Error ? err : new Error('session store failed')) : resolve(),
    ),
  );

/** Requests parked between loading their session and writing it, released all at once. */
class Gate {
  private arrived = 0;
  private release!: () => void;
  private readonly open = new Promise<void>((resolve) => (this.release = resolve));
  private wanted = 0;
  private allArrived!: () => void;
  private readonly full = new Promise<void>((resolve) => (this.allArrived = resolve));

  expect(count: number): Promise<void> {
    this.wanted = count;
    return this.full;
  }

  async pass(): Promise<void> {
    if (++this.arrived === this.wanted) this.allArrived();
    await this.open;
  }

  openAll(): void {
    this.release();
  }
}

let dir: string;
let store: Store;
let server: Server;
let base: string;
let gate: Gate;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jitgate-session-races-'));
  store = openSqliteStore(join(dir, 'jitgate.db'));
  const lifetime = { maxAgeMs: 12 * 3_600_000, idleTimeoutMs: 3_600_000, now: Date.now };
  const app = express();
  app.use(
    createSessionMiddleware({
      cookieName: COOKIE,
      secrets: ['a-secret-long-enough-for-signing-cookies'],
      store: new JitgateSessionStore(store.sessions, lifetime, () => undefined),
      secure: false,
      sameSite: 'lax',
      trustProxy: false,
    }),
  );
  const user = sessionUserOf(personRecord('corp:alice', 0), Date.now());
  app.post('/login', async (req, res) => {
    await promisify((cb) => req.session.regenerate(cb));
    req.session.user = user;
    await promisify((cb) => req.session.save(cb));
    res.end();
  });
  // Loads the session (the middleware), waits at the gate, then changes it: written at the end.
  app.get('/write', async (req, res) => {
    await gate.pass();
    req.session.flash = { kind: 'ok', text: `written by ${req.ip}` };
    res.end();
  });
  app.post('/logout', async (req, res) => {
    await promisify((cb) => req.session.destroy(cb));
    res.end();
  });
  // What a step-up does: the same person in a session with a new id.
  app.post('/renew', async (req, res) => {
    const current = req.session.user;
    await promisify((cb) => req.session.regenerate(cb));
    req.session.user = current;
    await promisify((cb) => req.session.save(cb));
    res.end();
  });
  app.get('/me', (req, res) => {
    if (!req.session.user) return void res.status(401).end();
    res.json(req.session.user);
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const cookieOf = (reply: Reply) =>
  (reply.headers['set-cookie'] ?? [])
    .find((line) => line.startsWith(`${COOKIE}=`))
    ?.split(';')[0]
    ?.slice(COOKIE.length + 1) ?? '';

const send = (method: string, path: string, cookie: string) =>
  rawRequest(`${base}${path}`, { method, headers: { cookie: `${COOKIE}=${cookie}` } });

async function signedIn(): Promise<string> {
  const cookie = cookieOf(await rawRequest(`${base}/login`, { method: 'POST' }));
  assert.equal((await send('GET', '/me', cookie)).status, 200);
  return cookie;
}

/** Parks WRITERS requests on `cookie`, runs `end` while they wait, then lets them all write. */
async function raceWriters(cookie: string, end: () => Promise<Reply>): Promise<Reply> {
  gate = new Gate();
  const parked = gate.expect(WRITERS);
  const writes = Array.from({ length: WRITERS }, () => send('GET', '/write', cookie));
  await parked;
  const ended = await end();
  gate.openAll();
  for (const write of await Promise.all(writes)) assert.equal(write.status, 200);
  return ended;
}

void describe('express-session over the jitgate store, under racing writes', () => {
  void it('a destroyed session is not written back by requests that loaded it before', async () => {
    const cookie = await signedIn();
    await raceWriters(cookie, () => send('POST', '/logout', cookie));
    assert.equal(await store.sessions.get(sessionIdOf(cookie)), undefined);
    assert.equal((await send('GET', '/me', cookie)).status, 401);
  });

  void it('an id given up by regeneration stays dead; the new one lives', async () => {
    const cookie = await signedIn();
    const renewed = cookieOf(await raceWriters(cookie, () => send('POST', '/renew', cookie)));
    assert.ok(renewed && sessionIdOf(renewed) !== sessionIdOf(cookie));
    assert.equal(await store.sessions.get(sessionIdOf(cookie)), undefined);
    assert.equal((await send('GET', '/me', cookie)).status, 401);
    assert.equal((await send('GET', '/me', renewed)).status, 200);
  });

  void it('writes to a live session still land', async () => {
    const cookie = await signedIn();
    await raceWriters(cookie, () => send('GET', '/me', cookie));
    const row = await store.sessions.get(sessionIdOf(cookie));
    assert.match(row?.data ?? '', /written by/);
  });
});
