/**
 * The Store on PostgreSQL, for several jitgate replicas on one database. Opening it migrates the
 * schema (replicas take turns). atomic() is a real transaction on one pooled connection that
 * holds the atomic advisory lock, so atomic work is serialized across every replica. Within a
 * replica atomic calls queue in memory first: one connection at a time waits for the lock, and
 * the rest of the pool stays free for everything else, which runs as single statements.
 */
import type { Logger } from '../../shared/logger.js';
import { Mutex } from '../../shared/mutex.js';
import type { Store } from '../types.js';
import { createAuditRepository } from './audit.js';
import { createCredentialRoleRepository } from './credential-roles.js';
import { openPgDatabase, type PgDatabase } from './database.js';
import { createDeliveryRepository } from './deliveries.js';
import { createGrantRepository } from './grants.js';
import { createInstanceRepository } from './instances.js';
import { createRecordingRepository } from './recordings.js';
import { createTerminalRelayRepository } from './terminal-relay.js';
import { LOCKS } from './lock-keys.js';
import { migrate } from './migrations.js';
import { PgChangeFeed } from './change-feed.js';
import { announcer } from './notify.js';
import { createMfaRepository } from './mfa.js';
import { createOneTimeCodeRepository } from './one-time-codes.js';
import { createRateLimitRepository } from './rate-limits.js';
import { createRequestRepository } from './requests.js';
import { createSamlRepository } from './saml.js';
import { createBreakGlassRepository } from './break-glass.js';
import { createSessionRepository } from './sessions.js';
import { createSettingRepository } from './settings.js';
import { createStandingReportRepository } from './standing-reports.js';
import { createSshCertificateRepository } from './ssh-certificates.js';
import { createTerminalSessionRepository } from './terminal-sessions.js';
import { createTokenRepository } from './tokens.js';
import { createTrailRepository } from './trail.js';
import { createUserRepository } from './users.js';

export interface PostgresStoreOptions {
  /** postgresql://user:password@host:port/database; never logged. */
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Names this replica's connections in pg_stat_activity. */
  applicationName?: string;
  /** false: apply no migration, refuse a schema that is not this jitgate's (read-only tools). */
  migrate?: boolean;
  /** Hears what cannot be thrown: a ROLLBACK that failed after the error that caused it. */
  log?: Logger;
}

/** The Store plus what the replica coordination builds on: the database itself. */
export interface PostgresStore extends Store {
  readonly db: PgDatabase;
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const db = openPgDatabase(
    {
      url: options.url,
      max: options.poolSize ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
      // atomic work awaits only the store: a transaction idle this long has a stuck holder.
      idleInTransactionTimeoutMs: options.statementTimeoutMs ?? 10_000,
      applicationName: options.applicationName ?? 'jitgate',
    },
    options.log,
  );
  try {
    await migrate(db, { apply: options.migrate ?? true });
  } catch (error) {
    await db.close();
    throw error;
  }
  const queue = new Mutex();
  const changes = new PgChangeFeed({
    connect: () => db.dedicated(),
    onState: (state, error) =>
      state === 'lost'
        ? options.log?.error('change feed lost; reconnecting (admissions refused while stale)', {
            error,
          })
        : options.log?.info('change feed restored'),
  });
  const announce = announcer(changes.origin);
  return {
    db,
    changes,
    users: createUserRepository(db),
    grants: createGrantRepository(db, announce),
    sessions: createSessionRepository(db, announce),
    settings: createSettingRepository(db),
    standingReports: createStandingReportRepository(db),
    audit: createAuditRepository(db),
    requests: createRequestRepository(db, announce),
    breakGlass: createBreakGlassRepository(db, announce),
    tokens: createTokenRepository(db, announce),
    deliveries: createDeliveryRepository(db),
    mfa: createMfaRepository(db),
    trail: createTrailRepository(db),
    terminalSessions: createTerminalSessionRepository(db),
    terminalRelay: createTerminalRelayRepository(db, announce),
    credentialRoles: createCredentialRoleRepository(db),
    instances: createInstanceRepository(db),
    recordings: createRecordingRepository(db),
    sshCertificates: createSshCertificateRepository(db),
    saml: createSamlRepository(db),
    oneTimeCodes: createOneTimeCodeRepository(db),
    rateLimits: createRateLimitRepository(db),
    // Nested: a savepoint of the transaction in progress (queueing it would wait for itself).
    atomic: (work) =>
      db.inTransaction()
        ? db.transaction(work)
        : queue.run(() => db.transaction(work, LOCKS.atomic)),
    exclusive: async (job, work) => {
      const session = await db.session();
      let broken = false;
      try {
        const got = await session.query('SELECT pg_try_advisory_lock($1, $2) AS got', LOCKS[job]);
        if (got.rows[0]?.got !== true) return false;
        try {
          await work();
        } finally {
          // Should the unlock fail, closing the connection frees the lock all the same.
          await session.query('SELECT pg_advisory_unlock($1, $2)', LOCKS[job]).catch(() => {
            broken = true;
          });
        }
        return true;
      } finally {
        session.release(broken);
      }
    },
    ping: async () => {
      await db.query('SELECT 1');
    },
    close: async () => {
      await changes.close();
      await db.close();
    },
  };
}
