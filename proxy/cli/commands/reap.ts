/**
 * `jitgate reap --config FILE`: one pass of the temporary-role reaper, out of the proxy's
 * process. A running jitgate reaps every minute; while it is down (crashed, stopped, upgrading)
 * an open database session would outlive its grant until the next start, since `VALID UNTIL`
 * only refuses new logins. Run this from a systemd timer or cron beside the service (same config,
 * same environment for the admin URLs) and that bound becomes the timer's interval. It is safe
 * beside a running proxy: dropping a role twice finds it gone, and SQLite serializes the writes.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AuditLog } from '../../audit/audit-log.js';
import { loadConfigFile } from '../../config/load.js';
import { createAdminPools } from '../../credentials/admin-pools.js';
import { PostgresRoles } from '../../credentials/postgres-roles.js';
import { Reaper } from '../../credentials/reaper.js';
import { createLogger } from '../../shared/logger.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { parseCommand } from '../args.js';
import { CliError, EXIT } from '../exit-codes.js';

const USAGE = 'jitgate reap --config FILE';

export async function reap(args: string[]): Promise<void> {
  const parsed = parseCommand(args, { config: { type: 'string' } }, USAGE);
  const file = parsed.values.config;
  if (!file || parsed.positionals.length > 0) throw new CliError(`usage: ${USAGE}`);
  const config = loadConfigFile(file);
  const path = config.storage.sqlitePath ?? resolve(config.state.dir, 'jitgate.db');
  if (!existsSync(path)) throw new CliError(`no jitgate database at ${path}`);
  // Logs on stderr: stdout carries the one-line answer for scripts.
  const log = createLogger({
    level: config.logging.level,
    write: (line) => process.stderr.write(line + '\n'),
  });
  const store = openSqliteStore(path);
  const pools = createAdminPools();
  try {
    const audit = new AuditLog(store.audit, store, Date.now);
    const roles = new PostgresRoles({ ledger: store.credentialRoles, pools, audit, now: Date.now });
    const reaper = new Reaper({
      ledger: store.credentialRoles,
      grants: store.grants,
      roles,
      resource: (id) => {
        const resource = config.resources.find((r) => r.id === id);
        return resource?.kind === 'postgres' ? resource : undefined;
      },
      log,
      now: Date.now,
    });
    const { dropped, left } = await reaper.run();
    console.log(`reaped ${dropped} database role(s)${left > 0 ? `, ${left} left to retry` : ''}`);
    if (left > 0) process.exitCode = EXIT.unreachable;
  } finally {
    await pools.close();
    await store.close();
  }
}
