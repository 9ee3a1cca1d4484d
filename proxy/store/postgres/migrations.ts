/**
 * Schema migrations for PostgreSQL, applied at start-up in order, each in its own transaction
 * and recorded in jitgate_migrations. Replicas starting together take turns through a session
 * advisory lock: the second one waits (without a statement timeout), then finds nothing left to do. Append only: a migration
 * that has shipped is never edited. The list mirrors SQLite's (same numbers, same tables).
 */
import type { PgSession } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { LOCKS } from './lock-keys.js';
import { CORE } from './migrations/001-core.js';
import { AUDIT } from './migrations/002-audit.js';
import { REQUESTS } from './migrations/003-requests.js';
import { TOKENS } from './migrations/004-tokens.js';
import { WEBHOOKS } from './migrations/005-webhooks.js';
import { MFA } from './migrations/006-mfa.js';
import { TRAIL } from './migrations/007-trail.js';
import { TERMINAL } from './migrations/008-terminal.js';
import { CREDENTIALS } from './migrations/009-credentials.js';
import { INSTANCES } from './migrations/010-instances.js';
import { SSH_CERTIFICATES } from './migrations/011-ssh-certificates.js';
import { SAML } from './migrations/012-saml.js';
import { BREAK_GLASS } from './migrations/013-break-glass.js';
import { REPLICAS } from './migrations/014-replicas.js';
import { SIGNIN } from './migrations/015-signin.js';
import { SESSION_ENDS } from './migrations/016-session-ends.js';
import { TERMINAL_RELAY } from './migrations/017-terminal-relay.js';
import { STANDING_REPORTS } from './migrations/018-standing-reports.js';
import { RATE_LIMITS } from './migrations/019-rate-limits.js';
import { ROLE_DROP_CLAIMS } from './migrations/020-role-drop-claims.js';
import { RECORDING_CHUNKS } from './migrations/021-recording-chunks.js';

interface Migration {
  name: string;
  sql: string;
}

/** Every migration in order; the position in this list is the version. */
export const MIGRATIONS: readonly Migration[] = [
  { name: 'core', sql: CORE },
  { name: 'audit', sql: AUDIT },
  { name: 'requests', sql: REQUESTS },
  { name: 'tokens', sql: TOKENS },
  { name: 'webhooks', sql: WEBHOOKS },
  { name: 'mfa', sql: MFA },
  { name: 'trail', sql: TRAIL },
  { name: 'terminal', sql: TERMINAL },
  { name: 'credentials', sql: CREDENTIALS },
  { name: 'instances', sql: INSTANCES },
  { name: 'ssh-certificates', sql: SSH_CERTIFICATES },
  { name: 'saml', sql: SAML },
  { name: 'break-glass', sql: BREAK_GLASS },
  { name: 'replicas', sql: REPLICAS },
  { name: 'signin', sql: SIGNIN },
  { name: 'session-ends', sql: SESSION_ENDS },
  { name: 'terminal-relay', sql: TERMINAL_RELAY },
  { name: 'standing-reports', sql: STANDING_REPORTS },
  { name: 'rate-limits', sql: RATE_LIMITS },
  { name: 'role-drop-claims', sql: ROLE_DROP_CLAIMS },
  { name: 'recording-chunks', sql: RECORDING_CHUNKS },
];

const TABLE = `CREATE TABLE IF NOT EXISTS jitgate_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/**
 * Brings the schema to the latest version; resolves the versions this call applied. With
 * `apply: false` (offline commands that only read) it applies nothing and throws unless the
 * schema is exactly this jitgate's.
 */
export async function migrate(
  db: PgDatabase,
  { apply = true, now = Date.now }: { apply?: boolean; now?: () => number } = {},
): Promise<number[]> {
  if (!apply) {
    await checkCurrent(db);
    return [];
  }
  const session = await db.session();
  let broken = true;
  try {
    // No statement timeout while migrating: waiting for another replica's migrations, or one
    // migration on a large table, may take longer than any everyday statement, and cut short
    // it would keep this replica from starting (and that migration from ever being applied).
    await session.query('SET statement_timeout = 0');
    await session.query('SELECT pg_advisory_lock($1, $2)', LOCKS.migrate);
    const applied = await applyPending(session, now);
    await session.query('SELECT pg_advisory_unlock($1, $2)', LOCKS.migrate);
    // Back to the pool's own timeout (set when the connection opened).
    await session.query('RESET statement_timeout');
    broken = false;
    return applied;
  } finally {
    // After a failure the session is closed, not unlocked: closing releases the lock, and the
    // original error is the one thrown.
    session.release(broken);
  }
}

async function checkCurrent(db: PgDatabase): Promise<void> {
  const table = await db.get("SELECT to_regclass('jitgate_migrations') AS name");
  if (table?.name === null || table?.name === undefined)
    throw new Error('no jitgate schema in this database (jitgate serve creates it)');
  const known = await appliedMigrations(db);
  const missing = MIGRATIONS.length - known.size;
  if (missing > 0)
    throw new Error(
      `the database schema lacks ${missing} migration(s) of this jitgate: start jitgate serve to migrate it`,
    );
}

/** The migrations the database has, checked against this jitgate's list. */
async function appliedMigrations(db: PgDatabase | PgSession): Promise<Map<number, string>> {
  const { rows } = await db.query('SELECT version, name FROM jitgate_migrations');
  const known = new Map(rows.map((row) => [Number(row.version), String(row.name)]));
  for (const [version, name] of known) {
    const expected = MIGRATIONS[version - 1]?.name;
    if (expected === undefined)
      throw new Error(
        `the database schema has migration ${version} (${name}), newer than this jitgate ` +
          `knows (${MIGRATIONS.length}): run the newer jitgate, or restore a matching backup`,
      );
    if (expected !== name)
      throw new Error(`migration ${version} in the database is "${name}", expected "${expected}"`);
  }
  return known;
}

async function applyPending(session: PgSession, now: () => number): Promise<number[]> {
  await session.query(TABLE);
  const known = await appliedMigrations(session);
  const applied: number[] = [];
  for (const [index, migration] of MIGRATIONS.entries()) {
    const version = index + 1;
    if (known.has(version)) continue;
    await session.query('BEGIN');
    try {
      await session.query(migration.sql);
      await session.query(
        'INSERT INTO jitgate_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [version, migration.name, now()],
      );
      await session.query('COMMIT');
    } catch (error) {
      await session.query('ROLLBACK').catch(() => undefined);
      throw new Error(`migration ${version} (${migration.name}) failed`, { cause: error });
    }
    applied.push(version);
  }
  return applied;
}
