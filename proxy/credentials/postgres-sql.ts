/**
 * The SQL that makes a temporary role (postgres-drop-sql.ts removes it). Pure, so the quoting
 * is unit-tested: role names, database names and passwords go into utility statements (CREATE
 * ROLE, GRANT), which take no bind parameters, so every identifier is quoted here and every
 * literal escaped.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

export const ROLE_PREFIX = 'jg_';
/** Roles jitgate made: its prefix plus 24 lowercase hex characters, nothing else. */
export const ROLE_PATTERN = /^jg_[0-9a-f]{24}$/;

export const newRoleName = () => `${ROLE_PREFIX}${randomBytes(12).toString('hex')}`;
export const newPassword = () => randomBytes(24).toString('base64url');

/** "ab""c": an identifier quoted for PostgreSQL; NUL cannot be represented and is refused. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new TypeError('invalid SQL identifier');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * 'it''s': a string literal. One with a backslash is written as E'…' with the backslash doubled,
 * which reads the same whatever the server's standard_conforming_strings says.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new TypeError('invalid SQL literal');
  return value.includes('\\')
    ? `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
    : `'${value.replaceAll("'", "''")}'`;
}

/**
 * The password as a SCRAM-SHA-256 verifier (RFC 5802/7677, PostgreSQL's format), so the clear
 * password never reaches the server, its statement log or pg_stat_activity.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096) {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const b64 = (b: Buffer) => b.toString('base64');
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

export interface RoleSpec {
  role: string;
  password: string;
  validUntil: number;
  connectionLimit: number;
  database: string;
  grantRoles: readonly string[];
  statements: readonly string[];
}

/** The statements that make the role and give it exactly what the resource names, in order. */
export function createRoleStatements(spec: RoleSpec): string[] {
  if (!ROLE_PATTERN.test(spec.role)) throw new TypeError('not a jitgate role name');
  const role = quoteIdent(spec.role);
  const limit = Math.max(1, Math.floor(spec.connectionLimit));
  return [
    `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT` +
      ` CONNECTION LIMIT ${limit} PASSWORD ${quoteLiteral(scramVerifier(spec.password))}` +
      ` VALID UNTIL ${quoteLiteral(new Date(spec.validUntil).toISOString())}`,
    `GRANT CONNECT ON DATABASE ${quoteIdent(spec.database)} TO ${role}`,
    ...spec.grantRoles.map((granted) => `GRANT ${quoteIdent(granted)} TO ${role}`),
    ...spec.statements.map((template) => template.replaceAll('{{role}}', role)),
  ];
}

/**
 * What every role gets through PUBLIC beyond what a resource names, as sentences (one row each):
 * CONNECT on the cluster's other databases, TEMPORARY here, CREATE in schema public (the default
 * before PostgreSQL 15). PostgreSQL has no per-role "deny", so a temporary role is only confined
 * when PUBLIC itself holds none of these. Run on the resource's database.
 */
export const PUBLIC_REACH_SQL = `
  SELECT format('connect to database %I', datname) AS reach FROM pg_database
    WHERE datallowconn AND datname <> current_database()
      AND has_database_privilege('public', oid, 'CONNECT')
  UNION ALL
  SELECT format('create temporary tables in database %I', current_database())
    WHERE has_database_privilege('public', current_database(), 'TEMPORARY')
  UNION ALL
  SELECT 'create objects in schema public' FROM pg_namespace
    WHERE nspname = 'public' AND has_schema_privilege('public', oid, 'CREATE')`;

/** A new password for a role whose password jitgate no longer holds (after a restart). */
export function passwordStatement(role: string, password: string): string {
  if (!ROLE_PATTERN.test(role)) throw new TypeError('not a jitgate role name');
  return `ALTER ROLE ${quoteIdent(role)} WITH PASSWORD ${quoteLiteral(scramVerifier(password))}`;
}

/** postgresql://role:password@host:port/database, every part percent-encoded. */
export function connectionUrl(parts: {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
}): string {
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  const e = encodeURIComponent;
  return `postgresql://${e(parts.user)}:${e(parts.password)}@${host}:${parts.port}/${e(parts.database)}`;
}
