/** The embedded default store: one SQLite file in the state folder. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../types.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { Mutex } from '../../shared/mutex.js';
import { InProcessChangeFeed } from '../change-feed.js';
import { createAuditRepository } from './audit.js';
import { createCredentialRoleRepository } from './credential-roles.js';
import { openSqlite, type SqliteDatabase } from './database.js';
import { createDeliveryRepository } from './deliveries.js';
import { createGrantRepository } from './grants.js';
import { createInstanceRepository } from './instances.js';
import { createRecordingRepository } from './recordings.js';
import { createTerminalRelayRepository } from './terminal-relay.js';
import { migrate } from './migrations.js';
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
import { createWriteThread } from './write-thread.js';
import { createUserRepository } from './users.js';

export interface SqliteStoreOptions {
  /** Hears what cannot be thrown: a ROLLBACK that failed after the error that caused it. */
  log?: Logger;
}

/**
 * Ends a failed transaction without hiding why it failed: SQLite may have rolled back already
 * (a full disk does that), so ROLLBACK is sent only while a transaction is open, and if even
 * that fails, the log hears both and the caller still gets the original error.
 */
function rollbackAfter(db: SqliteDatabase, cause: unknown, log: Logger): void {
  if (!db.inTransaction) return;
  try {
    db.exec('ROLLBACK');
  } catch (error) {
    log.error('store rollback failed', { error: error as Error, cause: cause as Error });
  }
}

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const log = options.log ?? silentLogger;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = openSqlite(path);
  migrate(db);
  const writer = new Mutex();
  const atomic: Store['atomic'] = (work) =>
    writer.run(async () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        rollbackAfter(db, error, log);
        throw error;
      }
    });
  const trail = createTrailRepository(db);
  const instances = createInstanceRepository(db);
  // A database file gets its trail batches and heartbeats written on a thread of its own
  // (write-thread.ts); an in-memory one has no file another connection could open: there, they
  // take their turn among the store's transactions on this connection.
  const thread = path === ':memory:' ? undefined : createWriteThread(path);
  return {
    changes: new InProcessChangeFeed(),
    users: createUserRepository(db),
    grants: createGrantRepository(db),
    sessions: createSessionRepository(db),
    settings: createSettingRepository(db),
    standingReports: createStandingReportRepository(db),
    audit: createAuditRepository(db),
    requests: createRequestRepository(db),
    breakGlass: createBreakGlassRepository(db),
    tokens: createTokenRepository(db),
    deliveries: createDeliveryRepository(db),
    mfa: createMfaRepository(db),
    trail: {
      ...trail,
      insertMany: thread
        ? (records) => thread.insertTrail(records)
        : (records) => atomic(() => trail.insertMany(records)),
    },
    terminalSessions: createTerminalSessionRepository(db),
    terminalRelay: createTerminalRelayRepository(db),
    credentialRoles: createCredentialRoleRepository(db),
    instances: {
      ...instances,
      beat: thread
        ? (id, at) => thread.beat(id, at)
        : (id, at) => atomic(() => instances.beat(id, at)),
    },
    recordings: createRecordingRepository(db),
    sshCertificates: createSshCertificateRepository(db),
    saml: createSamlRepository(db),
    oneTimeCodes: createOneTimeCodeRepository(db),
    rateLimits: createRateLimitRepository(db),
    atomic,
    // One process: its own jobs never overlap (each job runs one at a time where it is scheduled).
    exclusive: async (_job, work) => {
      await work();
      return true;
    },
    ping: async () => {
      db.get('SELECT 1 AS ok');
    },
    close: async () => {
      await thread?.close();
      db.close();
    },
  };
}
