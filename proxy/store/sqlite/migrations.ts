/**
 * Schema migrations, applied in order at start-up inside one transaction each. Append only:
 * a migration that has shipped is never edited.
 */
import type { SqliteDatabase } from './database.js';
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
import { GRANTS_BY_USER } from './migrations/021-grants-by-user.js';

/**
 * Every migration in order. Each area adds its own file under migrations/ and one line here;
 * the position in this list is the schema version.
 */
const MIGRATIONS: readonly string[] = [
  CORE,
  AUDIT,
  REQUESTS,
  TOKENS,
  WEBHOOKS,
  MFA,
  TRAIL,
  TERMINAL,
  CREDENTIALS,
  INSTANCES,
  SSH_CERTIFICATES,
  SAML,
  BREAK_GLASS,
  REPLICAS,
  SIGNIN,
  SESSION_ENDS,
  TERMINAL_RELAY,
  STANDING_REPORTS,
  RATE_LIMITS,
  ROLE_DROP_CLAIMS,
  GRANTS_BY_USER,
];

export function migrate(db: SqliteDatabase): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.get('SELECT max(version) AS version FROM schema_version');
  const current = typeof row?.version === 'number' ? row.version : 0;
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version - 1] ?? '');
      db.run('INSERT INTO schema_version (version) VALUES (?)', [version]);
    });
  }
  return MIGRATIONS.length;
}
