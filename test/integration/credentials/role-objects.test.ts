// What a temporary role made, when its grant ends, against a real PostgreSQL: with jitgate's
// admin a superuser (as in `npm start` and most tests) and a non-superuser set up as
// docs/credentials.md prescribes (CREATEROLE, pg_signal_backend, owns the database). For each:
// the role is dropped, marked in the ledger and audited once; nothing it made is handed to the
// admin, so a SECURITY DEFINER function left by one grant cannot run as the admin for the next.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { postgresResource } from '../../../proxy/config/credential-schema.js';
import type { PostgresResourceConfig } from '../../../proxy/config/schema.js';
import { createAdminPools, type AdminPools } from '../../../proxy/credentials/admin-pools.js';
import { PostgresRoles } from '../../../proxy/credentials/postgres-roles.js';
import {
  openPostgresStore,
  type PostgresStore,
} from '../../../proxy/store/postgres/postgres-store.js';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';

let target: TestPostgres;
let store: PostgresStore;
const pools: AdminPools[] = [];
let limitedAdminUrl: string;

before(async () => {
  target = await startTestPostgres();
  store = await openPostgresStore({ url: await target.createDatabase() });
  // The admin docs/credentials.md asks for: CREATEROLE, pg_signal_backend, and the right to
  // grant what the resource names (it owns the database, so its schema public).
  await target.query("CREATE ROLE jg_admin LOGIN CREATEROLE PASSWORD 'adminpw'");
  await target.query('GRANT pg_signal_backend TO jg_admin');
  await target.query(`ALTER DATABASE ${target.database} OWNER TO jg_admin`);
  const url = new URL(target.adminUrl);
  url.username = 'jg_admin';
  url.password = 'adminpw';
  limitedAdminUrl = url.href;
});
after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await store.close();
  await target.query('DROP OWNED BY backdoor').catch(() => undefined);
  await target.stop();
});

/** A resource whose grants may create objects in schema public, as a migration needs. */
const migrations = (extra: Record<string, unknown> = {}): PostgresResourceConfig =>
  postgresResource.parse({
    id: 'orders-db',
    kind: 'postgres',
    adminUrlEnv: 'ORDERS_ADMIN_URL',
    database: target.database,
    statements: ['GRANT USAGE, CREATE ON SCHEMA public TO {{role}}'],
    // This file is about dropping; isolation from PUBLIC has its own tests.
    allowPublicPrivileges: true,
    ...extra,
  });

function rolesWith(adminUrl: string): PostgresRoles {
  const adminPools = createAdminPools({ ORDERS_ADMIN_URL: adminUrl });
  pools.push(adminPools);
  return new PostgresRoles({
    ledger: store.credentialRoles,
    pools: adminPools,
    audit: new AuditLog(store.audit, store, Date.now),
    now: Date.now,
  });
}

let grants = 0;
function grantOf(resource: PostgresResourceConfig): GrantRecord {
  const now = Date.now();
  return {
    id: `grt_objects_${++grants}`,
    userId: 'machine:ci-runner',
    resourceId: resource.id,
    startsAt: now,
    endsAt: now + 10 * 60_000,
    reason: 'migration',
    createdBy: 'policy',
    createdAt: now,
    revokedAt: null,
    revokedBy: null,
  };
}

/** Mints a role for a new grant and runs `sql` as it; resolves the grant and the role. */
async function grantAndRun(roles: PostgresRoles, resource: PostgresResourceConfig, sql: string) {
  const grant = grantOf(resource);
  const { role, password } = await roles.mint(grant, resource);
  const client = await target.connectAs(role, password);
  try {
    if (sql) await client.query(sql);
  } finally {
    await client.end();
  }
  return { grant, role, password };
}

async function endGrant(roles: PostgresRoles, resource: PostgresResourceConfig, grantId: string) {
  const record = await store.credentialRoles.forGrant(grantId);
  assert.ok(record, 'the ledger holds the standing role');
  await roles.drop(record, resource, 'revoked');
}

const roleExists = async (role: string) =>
  (await target.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length === 1;

async function dropEvents(role: string) {
  const events = await new AuditLog(store.audit, store, Date.now).list({
    code: 'credential.dropped',
    limit: 500,
  });
  return events.filter((e) => e.data?.role === role);
}

/** Objects of the test database owned by `owner`, as "kind name" strings. */
async function ownedBy(owner: string): Promise<string[]> {
  const rows = await target.query(
    `SELECT 'relation ' || relname AS o FROM pg_class c JOIN pg_namespace n ON n.oid = relnamespace
       WHERE nspname = 'public' AND relowner = to_regrole($1)
     UNION ALL
     SELECT 'function ' || proname FROM pg_proc p JOIN pg_namespace n ON n.oid = pronamespace
       WHERE nspname = 'public' AND proowner = to_regrole($1)
     ORDER BY 1`,
    [owner],
  );
  return rows.map((row) => String(row.o));
}

/** The audit's function: as a SECURITY DEFINER owned by a privileged role, it makes a login. */
const backdoorFunction = (name: string) => `CREATE FUNCTION public.${name}() RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER AS $$
  BEGIN
    IF current_user <> session_user THEN
      EXECUTE 'CREATE ROLE backdoor LOGIN PASSWORD ''backdoor''';
    END IF;
    RETURN current_user;
  END $$`;

const admins = [
  { name: 'a superuser admin', tag: 'super', url: () => target.adminUrl },
  { name: 'the documented non-superuser admin', tag: 'limited', url: () => limitedAdminUrl },
];

for (const admin of admins)
  void describe(`dropping a temporary role, with ${admin.name}`, () => {
    void it('drops the role, marks the ledger and records credential.dropped once', async () => {
      const roles = rolesWith(admin.url());
      const resource = migrations();
      const { grant, role } = await grantAndRun(roles, resource, 'SELECT 1');
      await endGrant(roles, resource, grant.id);
      assert.equal(await roleExists(role), false, 'the role is gone');
      assert.equal(await store.credentialRoles.forGrant(grant.id), undefined, 'ledger marked');
      const events = await dropEvents(role);
      assert.deepEqual(
        events.map((e) => [e.data?.reason, e.data?.existed]),
        [['revoked', true]],
      );
    });

    void it('drops what the role made instead of handing it to the admin', async () => {
      const roles = rolesWith(admin.url());
      const resource = migrations();
      const adminRole = new URL(admin.url()).username;
      const adminOwned = await ownedBy(adminRole);
      const [table, fn] = [`scratch_${admin.tag}`, `orders_summary_${admin.tag}`];
      const first = await grantAndRun(
        roles,
        resource,
        `CREATE TABLE public.${table} (id int); ${backdoorFunction(fn)}`,
      );
      assert.deepEqual(await ownedBy(first.role), [`function ${fn}`, `relation ${table}`]);
      await endGrant(roles, resource, first.grant.id);
      assert.equal(await roleExists(first.role), false);
      assert.deepEqual(await ownedBy(adminRole), adminOwned, 'nothing handed to the admin');
      assert.deepEqual(
        await target.query('SELECT 1 FROM pg_proc WHERE proname = $1', [fn]),
        [],
        'the SECURITY DEFINER function went with its role',
      );
      // The next grant finds nothing to call that runs as anyone else.
      const second = await grantAndRun(roles, resource, '');
      const client = await target.connectAs(second.role, second.password);
      try {
        await assert.rejects(client.query(`SELECT public.${fn}()`), { code: '42883' });
      } finally {
        await client.end();
      }
      await endGrant(roles, resource, second.grant.id);
      assert.deepEqual(
        await target.query("SELECT 1 FROM pg_roles WHERE rolname = 'backdoor'"),
        [],
        'no standing login role',
      );
    });
  });
