/**
 * State for the scale rows, written into a fresh state folder before its jitgate starts: people
 * as a login would have left them (user row, portal session), each with a live grant on payroll,
 * and the app cookie a browser of theirs would carry (signed with the secret jitgate will read).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { signAppCookie } from '../proxy/identity/app-cookie.js';
import { sessionUserOf } from '../proxy/identity/session-user.js';
import { openSqliteStore } from '../proxy/store/sqlite/sqlite-store.js';
import type { UserRecord } from '../proxy/store/types.js';
import { APP_HOST } from './jitgate-config.js';
import { APP_COOKIE } from './login.js';

/** The setting store-startup.ts keeps the secret that signs session and app cookies in. */
const SESSION_SECRET_SETTING = 'session_secret_v1';

export interface SeedRequest {
  people: number;
  /** When their grants end (epoch ms). */
  grantsEndAt: number;
  /** Distinguishes the people of one seeding from another's. */
  prefix: string;
}

/** Seeds `stateDir`; returns each person's Cookie header for payroll, in order. */
export async function seedPeople(stateDir: string, request: SeedRequest): Promise<string[]> {
  const store = openSqliteStore(join(stateDir, 'jitgate.db'));
  try {
    const secret = await store.settings.putIfAbsent(
      SESSION_SECRET_SETTING,
      randomBytes(32).toString('base64url'),
    );
    const now = Date.now();
    const cookies: string[] = [];
    await store.atomic(async () => {
      for (let i = 0; i < request.people; i++) {
        const username = `${request.prefix}${String(i).padStart(5, '0')}`;
        const user: UserRecord = {
          id: `demo:${username}`,
          idp: 'demo',
          subject: username,
          username,
          email: `${username}@bench.jitgate.test`,
          name: `Bench ${username}`,
          groups: ['staff'],
          kind: 'person',
          claims: {},
          lastLoginAt: now,
        };
        await store.users.upsert(user);
        const sid = randomBytes(24).toString('base64url');
        const data = {
          cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' },
          user: sessionUserOf(user, now),
        };
        await store.sessions.create({
          id: sid,
          data: JSON.stringify(data),
          expiresAt: now + 43_200_000,
        });
        await store.grants.insert({
          id: `grt_${randomBytes(12).toString('base64url')}`,
          userId: user.id,
          resourceId: 'payroll',
          startsAt: now - 1000,
          endsAt: request.grantsEndAt,
          reason: 'bench',
          createdBy: 'bench',
          createdAt: now,
          revokedAt: null,
          revokedBy: null,
        });
        cookies.push(`${APP_COOKIE}=${signAppCookie(sid, APP_HOST, secret)}`);
      }
    });
    return cookies;
  } finally {
    await store.close();
  }
}
