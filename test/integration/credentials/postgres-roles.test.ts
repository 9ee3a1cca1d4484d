// Temporary PostgreSQL roles against a real server: the role a grant gets can connect and do
// exactly what orders-db names (read and add orders) and nothing else — not even what PUBLIC
// has by default (another database of the cluster, a temporary table), and jitgate refuses to
// mint while PUBLIC has it; release, revoke and
// expiry each drop it and cut its open connection; two grants get two roles; only the grantee
// sees the credential; the audit trail records mint and drop without any secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import pg from 'pg';
import { eventually, startMachineDemo, type MachineDemo } from '../../support/machine-demo.js';
import { api, grantWithCredential } from './api-calls.js';

let m: MachineDemo;
let ci: string;
let report: string;

before(async () => {
  m = await startMachineDemo();
  await m.pg.query('CREATE TABLE secrets (id int, secret text)');
  await m.pg.query("INSERT INTO secrets VALUES (1, 'classified')");
  ci = await m.machineToken('ci-runner');
  report = await m.machineToken('nightly-report');
});
after(async () => {
  await m.stop();
});

/** The SQLSTATE a statement fails with, or 'ok'. */
async function outcome(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

const roleGone = (role: string) => async () => !(await m.jitgateRoles()).includes(role);

/** Resolves once the server has ended `client`'s connection. */
async function terminated(client: pg.Client) {
  await eventually(async () => (await outcome(client, 'SELECT 1')) !== 'ok', 'connection cut');
}

void describe('temporary PostgreSQL roles', () => {
  void it('can do exactly what the resource grants and nothing else', async () => {
    const { grant, credential } = await grantWithCredential(m.url, ci);
    assert.match(credential.user, /^jg_[0-9a-f]{24}$/);
    assert.equal(credential.database, m.pg.database);
    const client = await m.pg.connectAs(credential.user, credential.password);
    try {
      assert.equal(await outcome(client, 'SELECT count(*) FROM orders'), 'ok');
      assert.equal(
        await outcome(client, "INSERT INTO orders (item, quantity) VALUES ('x', 1)"),
        'ok',
      );
      // 42501: insufficient_privilege.
      assert.equal(await outcome(client, 'UPDATE orders SET quantity = 2'), '42501');
      assert.equal(await outcome(client, 'DELETE FROM orders'), '42501');
      assert.equal(await outcome(client, 'SELECT * FROM secrets'), '42501');
      assert.equal(await outcome(client, 'CREATE TABLE mine (id int)'), '42501');
      assert.equal(await outcome(client, 'CREATE ROLE other'), '42501');
    } finally {
      await client.end();
    }
    const [row] = await m.pg.query(
      'SELECT rolsuper, rolcreaterole, rolcreatedb, rolconnlimit, rolvaliduntil FROM pg_roles WHERE rolname = $1',
      [credential.user],
    );
    assert.equal(row?.rolsuper, false);
    assert.equal(row?.rolcreaterole, false);
    assert.equal(row?.rolcreatedb, false);
    assert.equal(row?.rolconnlimit, 5);
    assert.equal((row?.rolvaliduntil as Date).getTime(), Date.parse(grant.endsAt));
    // A wrong password is refused: the role really authenticates with the one handed out.
    await assert.rejects(
      m.pg.connectAs(credential.user, 'wrong'),
      /password authentication failed/,
    );
    await api(m.url, ci, 'POST', `/grants/${grant.id}/release`, {});
  });

  void it('cannot reach another database of the cluster nor create a temporary table', async () => {
    const { grant, credential } = await grantWithCredential(m.url, ci);
    for (const database of ['postgres', 'template1']) {
      const other = new pg.Client({ ...credential, database, host: m.pg.host, port: m.pg.port });
      other.on('error', () => undefined);
      // 42501: insufficient_privilege ("permission denied for database").
      await assert.rejects(other.connect(), (error: { code?: string }) => {
        assert.equal(error.code, '42501', `connecting to ${database}`);
        return true;
      });
    }
    const client = await m.pg.connectAs(credential.user, credential.password);
    try {
      assert.equal(await outcome(client, 'CREATE TEMP TABLE scratch (id int)'), '42501');
      assert.equal(await outcome(client, 'CREATE TABLE public.mine (id int)'), '42501');
      assert.equal(await outcome(client, 'SELECT count(*) FROM orders'), 'ok');
    } finally {
      await client.end();
    }
    await api(m.url, ci, 'POST', `/grants/${grant.id}/release`, {});
  });

  void it('refuses to mint while PUBLIC may connect to another database', async () => {
    await m.pg.query('GRANT CONNECT ON DATABASE postgres TO PUBLIC');
    const before = await m.jitgateRoles();
    try {
      const created = await api(m.url, ci, 'POST', '/requests', {
        resource: 'orders-db',
        duration: '5m',
        reason: 'migration test',
      });
      const grant = created.json.grant;
      assert.ok(grant, JSON.stringify(created.json));
      const answer = await api(m.url, ci, 'GET', `/grants/${grant.id}/credentials`);
      assert.equal(answer.status, 503);
      assert.equal(answer.json.error?.code, 'database_not_isolated');
      const made = (await m.jitgateRoles()).filter((role) => !before.includes(role));
      assert.deepEqual(made, [], 'no role was made');
      await api(m.url, ci, 'POST', `/grants/${grant.id}/release`, {});
    } finally {
      await m.pg.query('REVOKE CONNECT ON DATABASE postgres FROM PUBLIC');
    }
  });

  void it('release drops the role and ends its open connection', async () => {
    const { grant, credential } = await grantWithCredential(m.url, ci);
    const client = await m.pg.connectAs(credential.user, credential.password);
    assert.equal((await api(m.url, ci, 'POST', `/grants/${grant.id}/release`, {})).status, 200);
    await terminated(client);
    await eventually(roleGone(credential.user), 'role dropped after release');
    await client.end().catch(() => undefined);
    const again = await api(m.url, ci, 'GET', `/grants/${grant.id}/credentials`);
    assert.equal(again.status, 409, 'no credential for an ended grant');
  });

  void it('revoke drops the role and ends its open connection', async () => {
    const { grant, credential } = await grantWithCredential(m.url, ci);
    const client = await m.pg.connectAs(credential.user, credential.password);
    await m.demo.jitgate.grants.revoke(grant.id, 'admin-test');
    await terminated(client);
    await eventually(roleGone(credential.user), 'role dropped after revoke');
    await client.end().catch(() => undefined);
  });

  void it('expiry drops the role and ends its open connection', async () => {
    const { credential } = await grantWithCredential(m.url, ci, '3s');
    const client = await m.pg.connectAs(credential.user, credential.password);
    assert.equal(await outcome(client, 'SELECT 1'), 'ok');
    await terminated(client);
    await eventually(roleGone(credential.user), 'role dropped after expiry');
    await client.end().catch(() => undefined);
  });

  void it('gives two grants two roles, and each credential only to its grantee', async () => {
    const first = await grantWithCredential(m.url, ci);
    const second = await grantWithCredential(m.url, report);
    assert.notEqual(first.credential.user, second.credential.user);
    assert.notEqual(first.credential.password, second.credential.password);
    const roles = await m.jitgateRoles();
    assert.ok(roles.includes(first.credential.user) && roles.includes(second.credential.user));
    const stolen = await api(m.url, report, 'GET', `/grants/${first.grant.id}/credentials`);
    assert.equal(stolen.status, 404);
    assert.equal(JSON.stringify(stolen.json).includes(first.credential.password), false);
    for (const [token, { grant }] of [
      [ci, first],
      [report, second],
    ] as const)
      await api(m.url, token, 'POST', `/grants/${grant.id}/release`, {});
    await eventually(roleGone(first.credential.user), 'first role dropped');
    await eventually(roleGone(second.credential.user), 'second role dropped');
  });

  void it('audits every mint and drop, without a password or connection string', async () => {
    const { grant, credential } = await grantWithCredential(m.url, ci);
    await api(m.url, ci, 'POST', `/grants/${grant.id}/release`, {});
    await eventually(roleGone(credential.user), 'role dropped');
    const events = await m.demo.jitgate.audit.list({ limit: 1000, order: 'asc' });
    const text = JSON.stringify(events);
    assert.equal(text.includes(credential.password), false, 'no password in the audit log');
    assert.equal(text.includes('postgresql://'), false, 'no connection string in the audit log');
    const codes = events
      .filter((e) => JSON.stringify(e.data).includes(credential.user))
      .map((e) => e.code);
    assert.deepEqual(codes, ['credential.minted', 'credential.dropped']);
  });
});
