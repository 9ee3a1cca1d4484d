/**
 * A replica's worth of audited actions, as its own process (for audit-chain.test.ts): opens the
 * PostgreSQL store named by JITGATE_PG_URL and starts JITGATE_GRANTS grants at once through the
 * GrantService (each grant and its grant.started event commit together), then prints "done".
 */
import { AccessEvents } from '../../../proxy/access/events.js';
import { GrantBook } from '../../../proxy/access/grant-book.js';
import { GrantService } from '../../../proxy/access/grant-service.js';
import { PendingRevocations } from '../../../proxy/access/pending-revocations.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openPostgresStore } from '../../../proxy/store/postgres/postgres-store.js';

const store = await openPostgresStore({
  url: process.env.JITGATE_PG_URL ?? '',
  applicationName: `audit-writer-${process.pid}`,
});
const now = Date.now;
const audit = new AuditLog(store.audit, store, now);
const book = new GrantBook();
const grants = new GrantService({
  policies: [],
  store,
  book,
  audit,
  events: new AccessEvents(),
  revocations: new PendingRevocations({ store, audit, log: silentLogger, now }),
  now,
  resourceExists: () => true,
});
const count = Number(process.env.JITGATE_GRANTS ?? '0');
await Promise.all(
  Array.from({ length: count }, (_, i) =>
    grants.grant({
      user: 'alice',
      resource: `app-${i % 7}`,
      durationMs: 60_000,
      actor: 'admin',
      force: true,
    }),
  ),
);
await store.close();
process.stdout.write('done\n');
