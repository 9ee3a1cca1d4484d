// What a temporary role made, when its grant ends, against a real PostgreSQL: with jitgate's
// admin a superuser (as in `npm start` and most tests) and a non-superuser set up as
// docs/credentials.md prescribes (CREATEROLE, pg_signal_backend, owns the database). For each:
// the role is dropped, marked in the ledger and audited once; nothing it made is handed to the
// admin, so a SECURITY DEFINER function left by one grant cannot run as the admin for the next.
// With an objectOwner a migration's tables, views and plain functions go to that role instead,
// its SECURITY DEFINER functions are dropped, and a privileged owner is refused (mint and drop).
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
  // A dedicated owner for migrated objects: NOLOGIN, may create in public; the admin may grant
  // it (ADMIN OPTION) and holds its privileges, which REASSIGN OWNED needs.
  await target.query('CREATE ROLE orders_owner NOLOGIN');
  await target.query('GRANT USAGE, CREATE ON SCHEMA public TO orders_owner');
  await target.query('GRANT orders_owner TO jg_admin WITH ADMIN OPTION');
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

/** The refusal is jitgate's check of the owner (not some other failure). */
const ownerRefused = (error: { code?: string; cause?: { message?: string } }) => {
  assert.equal(error.code, 'credential_failed');
  assert.match(String(error.cause?.message), /objectOwner "?orders_owner"? must be/);
  return true;
};

/** A resource whose grants are members of orders_owner, which keeps what they create. */
const owned = () => migrations({ grantRoles: ['orders_owner'], objectOwner: 'orders_owner' });

for (const admin of admins)
  void describe(`handing a temporary role's objects to objectOwner, with ${admin.name}`, () => {
    void it('keeps tables, views and plain functions; drops SECURITY DEFINER ones', async () => {
      const roles = rolesWith(admin.url());
      const resource = owned();
      const adminOwned = await ownedBy(new URL(admin.url()).username);
      const [table, view, plain, definer] = [
        `kept_${admin.tag}`,
        `kept_view_${admin.tag}`,
        `kept_fn_${admin.tag}`,
        `definer_${admin.tag}`,
      ] as const;
      const { grant, role } = await grantAndRun(
        roles,
        resource,
        `CREATE TABLE public.${table} (id int);
         CREATE VIEW public.${view} AS SELECT id FROM public.${table};
         CREATE FUNCTION public.${plain}() RETURNS int LANGUAGE sql AS 'SELECT 1';
         ${backdoorFunction(definer)}`,
      );
      const before = await ownedBy('orders_owner');
      await endGrant(roles, resource, grant.id);
      assert.equal(await roleExists(role), false);
      assert.deepEqual(
        (await ownedBy('orders_owner')).filter((o) => !before.includes(o)),
        [`function ${plain}`, `relation ${table}`, `relation ${view}`],
      );
      assert.deepEqual(
        await target.query('SELECT 1 FROM pg_proc WHERE proname = $1', [definer]),
        [],
      );
      assert.deepEqual(await ownedBy(new URL(admin.url()).username), adminOwned);
      const [event] = await dropEvents(role);
      assert.equal(event?.data?.objectOwner, 'orders_owner');
    });
  });

void describe('a privileged objectOwner', () => {
  void it('is refused at mint, by attribute or by membership: no role is made', async () => {
    const roles = rolesWith(limitedAdminUrl);
    const jgRoles = () => target.query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'jg\\_%'");
    for (const [make, undo] of [
      ['ALTER ROLE orders_owner CREATEDB', 'ALTER ROLE orders_owner NOCREATEDB'],
      ['GRANT pg_read_all_data TO orders_owner', 'REVOKE pg_read_all_data FROM orders_owner'],
    ] as const) {
      await target.query(make);
      try {
        const before = await jgRoles();
        await assert.rejects(roles.mint(grantOf(owned()), owned()), ownerRefused);
        assert.deepEqual(await jgRoles(), before, make);
      } finally {
        await target.query(undo);
      }
    }
  });

  void it('is refused at drop: nothing handed over, the role stays NOLOGIN until fixed', async () => {
    const roles = rolesWith(limitedAdminUrl);
    const resource = owned();
    const { grant, role } = await grantAndRun(roles, resource, 'CREATE TABLE public.held (id int)');
    // Made able to log in after the mint: the objects would then belong to a standing login.
    await target.query('ALTER ROLE orders_owner LOGIN');
    try {
      await assert.rejects(endGrant(roles, resource, grant.id), ownerRefused);
      const [row] = await target.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [
        role,
      ]);
      assert.equal(row?.rolcanlogin, false, 'access is cut even so');
      assert.deepEqual(await ownedBy(role), ['relation held']);
      assert.ok(await store.credentialRoles.forGrant(grant.id), 'left for the reaper');
    } finally {
      await target.query('ALTER ROLE orders_owner NOLOGIN');
    }
    await endGrant(roles, resource, grant.id);
    assert.equal(await roleExists(role), false);
    assert.deepEqual(await ownedBy(role), []);
    assert.ok((await ownedBy('orders_owner')).includes('relation held'));
  });
});
