// Two replicas reaching the same temporary database role at once (a grant's end on one, the
// start-up reaper on the other) drop it once and record one `credential.dropped`: the ledger's
// drop claim, on a real PostgreSQL store shared by two stores, against a real PostgreSQL target.
// A replica whose DROP fails gives its claim back, so the other drops it at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { postgresResource } from '../../../proxy/config/credential-schema.js';
import type { PostgresResourceConfig } from '../../../proxy/config/schema.js';
import { createAdminPools, type AdminPools } from '../../../proxy/credentials/admin-pools.js';
import { PostgresRoles } from '../../../proxy/credentials/postgres-roles.js';
import type { CredentialRoleRecord } from '../../../proxy/credentials/role-record.js';
import {
  openPostgresStore,
  type PostgresStore,
} from '../../../proxy/store/postgres/postgres-store.js';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';

let target: TestPostgres;
let stores: PostgresStore[] = [];
const pools: AdminPools[] = [];
let resource: PostgresResourceConfig;

before(async () => {
  target = await startTestPostgres();
  const storeUrl = await target.createDatabase();
  stores = await Promise.all(
    ['jitgate-a', 'jitgate-b'].map((applicationName) =>
      openPostgresStore({ url: storeUrl, applicationName }),
    ),
  );
  resource = postgresResource.parse({
    id: 'orders-db',
    kind: 'postgres',
    name: 'Orders database',
    adminUrlEnv: 'ORDERS_ADMIN_URL',
    database: target.database,
    statements: ['GRANT USAGE ON SCHEMA public TO {{role}}'],
    // This test is about dropping; isolation from PUBLIC has its own tests.
    allowPublicPrivileges: true,
  });
});
after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all(stores.map((s) => s.close()));
  await target.stop();
});

/** A replica's role-maker: its own store connection, admin pool and audit log. */
function replica(store: PostgresStore, adminUrl = target.adminUrl): PostgresRoles {
  const adminPools = createAdminPools({ ORDERS_ADMIN_URL: adminUrl });
  pools.push(adminPools);
  const audit = new AuditLog(store.audit, store, Date.now);
  return new PostgresRoles({
    ledger: store.credentialRoles,
    pools: adminPools,
    audit,
    now: Date.now,
  });
}

let grants = 0;
async function mintedRole(roles: PostgresRoles): Promise<CredentialRoleRecord> {
  const now = Date.now();
  const grant: GrantRecord = {
    id: `grt_claims_${++grants}`,
    userId: 'machine:ci-runner',
    resourceId: resource.id,
    startsAt: now,
    endsAt: now + 10 * 60_000,
    reason: 'nightly job',
    createdBy: 'policy',
    createdAt: now,
    revokedAt: null,
    revokedBy: null,
  };
  const { role } = await roles.mint(grant, resource);
  const record = await stores[0]?.credentialRoles.forGrant(grant.id);
  assert.ok(record?.role === role, 'the ledger holds the minted role');
  return record;
}

async function dropEvents(role: string) {
  const audit = new AuditLog(stores[0]!.audit, stores[0]!, Date.now);
  const events = await audit.list({ code: 'credential.dropped', limit: 500 });
  return events.filter((e) => e.data?.role === role);
}

const roleExists = async (role: string) =>
  (await target.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length === 1;

void describe('dropping a temporary role from two replicas', () => {
  void it('drops it once, with one credential.dropped, when both reach it at once', async () => {
    const [a, b] = [replica(stores[0]!), replica(stores[1]!)];
    for (let round = 0; round < 5; round++) {
      const record = await mintedRole(a);
      assert.equal(await roleExists(record.role), true);
      await Promise.all([a.drop(record, resource, 'expired'), b.drop(record, resource, 'reaped')]);
      const events = await dropEvents(record.role);
      assert.equal(events.length, 1, `round ${round}: ${JSON.stringify(events)}`);
      assert.equal(events[0]?.data?.existed, true);
      // The losing replica returns at once; the role is gone once the winner's event is written.
      assert.equal(await roleExists(record.role), false);
      assert.equal(await stores[1]?.credentialRoles.forGrant(record.grantId), undefined);
    }
  });

  void it('a replica whose DROP fails gives its claim back: the other drops it at once', async () => {
    // Replica a's admin URL points where no PostgreSQL listens.
    const broken = replica(stores[0]!, 'postgresql://jitgate@127.0.0.1:1/nowhere');
    const healthy = replica(stores[1]!);
    const record = await mintedRole(healthy);
    await assert.rejects(broken.drop(record, resource, 'revoked'), { code: 'credential_failed' });
    assert.equal(await roleExists(record.role), true);
    await healthy.drop(record, resource, 'reaped');
    assert.equal(await roleExists(record.role), false);
    const events = await dropEvents(record.role);
    assert.deepEqual(
      events.map((e) => [e.data?.reason, e.data?.existed]),
      [['reaped', true]],
    );
  });
});
