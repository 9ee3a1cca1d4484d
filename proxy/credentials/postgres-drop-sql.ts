/**
 * The SQL that removes a temporary role, and decides where its objects go. A function or view
 * runs with its owner's rights, so whoever receives them lends those rights to whatever a grant
 * made, for anyone who may call it. Hence they are never handed to jitgate's admin (a superuser,
 * or CREATEROLE) and by default are dropped with the role. A resource may name an `objectOwner`
 * so a migration's tables outlive its grant: a role every grant of it is a member of (the
 * schema insists), so handing over adds no right a grant lacked; it must also hold nothing
 * privileged, checked here at every drop. Pure, like postgres-sql.ts, and quoted the same way.
 */
import { quoteIdent, quoteLiteral, ROLE_PATTERN } from './postgres-sql.js';

/**
 * Fails (42501) unless `owner` exists, cannot log in, and neither holds nor inherits through
 * membership (which SET ROLE would use) a privileged attribute or a predefined role — which
 * also rules out the admin (CREATEROLE) and the database's owner (pg_database_owner). A DO block
 * so it can run as one step among the drop's steps; it takes no bind parameters, so the name is
 * a quoted literal inside a quoted body.
 */
export function objectOwnerCheck(owner: string): string {
  const name = quoteLiteral(owner);
  const body = `BEGIN
  IF NOT EXISTS (
    SELECT FROM pg_roles o WHERE o.rolname = ${name} AND NOT o.rolcanlogin
      AND NOT EXISTS (
        SELECT FROM pg_roles p WHERE pg_has_role(o.oid, p.oid, 'MEMBER')
          AND (p.rolsuper OR p.rolcreaterole OR p.rolcreatedb OR p.rolreplication
            OR p.rolbypassrls OR starts_with(p.rolname, 'pg_')))
  ) THEN
    RAISE EXCEPTION 'objectOwner % must be an existing NOLOGIN role without privileged attributes or predefined roles', quote_ident(${name})
      USING ERRCODE = '42501';
  END IF;
END`;
  return `DO ${quoteLiteral(body)}`;
}

/**
 * Drops the role's SECURITY DEFINER functions and procedures: handed to another role they would
 * run as that role for every caller (EXECUTE is PUBLIC's by default). A migration that needs one
 * makes it after `SET ROLE` to the owner, deliberately. regprocedure's text is the routine's
 * signature with every name quoted by PostgreSQL itself.
 */
export function dropSecurityDefinerRoutines(role: string): string {
  if (!ROLE_PATTERN.test(role)) throw new TypeError('not a jitgate role name');
  const body = `DECLARE routine regprocedure;
BEGIN
  FOR routine IN SELECT p.oid FROM pg_proc p
      WHERE p.prosecdef AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = ${quoteLiteral(role)})
  LOOP
    EXECUTE format('DROP ROUTINE %s', routine);
  END LOOP;
END`;
  return `DO ${quoteLiteral(body)}`;
}

/**
 * Removing a role: no new logins, its sessions ended, what it owns dropped (or handed to the
 * resource's objectOwner), then the role. pg_terminate_backend waits (up to 5 s) so the DROP
 * does not race a dying session. Each step runs on its own; the caller skips the rest when the
 * first finds the role already gone.
 */
export function dropRoleStatements(
  role: string,
  objectOwner?: string,
): { sql: string; params: string[] }[] {
  if (!ROLE_PATTERN.test(role)) throw new TypeError('not a jitgate role name');
  const quoted = quoteIdent(role);
  const handOver =
    objectOwner === undefined
      ? []
      : [
          objectOwnerCheck(objectOwner),
          dropSecurityDefinerRoutines(role),
          `REASSIGN OWNED BY ${quoted} TO ${quoteIdent(objectOwner)}`,
        ];
  return [
    { sql: `ALTER ROLE ${quoted} WITH NOLOGIN`, params: [] },
    {
      sql: 'SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = $1',
      params: [role],
    },
    // DROP and REASSIGN OWNED need the privileges of the role. A superuser has them; the
    // documented admin (CREATEROLE) does not: on PostgreSQL 15 and older CREATEROLE is no
    // membership, and from 16 the creator holds only ADMIN OPTION. Either may grant the role to
    // itself; DROP ROLE takes the membership away again.
    { sql: `GRANT ${quoted} TO CURRENT_USER`, params: [] },
    ...handOver.map((sql) => ({ sql, params: [] })),
    // Never REASSIGN OWNED to the admin (CURRENT_USER): what the role made would then run with
    // the admin's rights. What was not handed over goes with the role, grants on it included.
    { sql: `DROP OWNED BY ${quoted}`, params: [] },
    { sql: `DROP ROLE IF EXISTS ${quoted}`, params: [] },
  ];
}
