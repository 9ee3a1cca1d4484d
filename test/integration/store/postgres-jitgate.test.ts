// jitgate itself on PostgreSQL (storage.driver: postgres, the URL from an environment variable):
// the demo's real logins with MFA, a request alice makes and bob approves, alice's request
// through the gateway to payroll, the revoke that cuts her off; then the same database read by
// a second Store, as another replica would: the grant, the sessions and an audit chain that
// verifies, and `jitgate audit verify --postgres` agrees.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import {
  openPostgresStore,
  type PostgresStore,
} from '../../../proxy/store/postgres/postgres-store.js';
import { runCli } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import { call } from '../access/api-client.js';

const URL_ENV = 'JITGATE_TEST_STORE_URL';
let pg: TestPostgres;
let url: string;
let demo: TestDemo;
let alice: TestBrowser;
let bob: TestBrowser;
/** The other replica's view of the same database. */
let replica: PostgresStore;
let grantId = '';

before(async () => {
  pg = await startTestPostgres();
  url = await pg.createDatabase();
  demo = await startTestDemo({
    storage: { driver: 'postgres', postgres: { urlEnv: URL_ENV } },
    env: { ...process.env, [URL_ENV]: url },
  });
  replica = await openPostgresStore({ url, applicationName: 'jitgate-test-replica' });
});
after(async () => {
  await demo?.stop();
  await replica?.close();
  await pg?.stop();
});

void describe('jitgate on PostgreSQL', () => {
  it('answers /healthz from its store', async () => {
    const health = await fetch(`${demo.url}/healthz`);
    assert.equal(health.status, 200);
  });

  it('keeps logins in PostgreSQL: alice and bob sign in with their second factor', async () => {
    alice = await demo.login('alice');
    bob = await demo.login('bob');
    const rows = await replica.db.all('SELECT count(*) AS n FROM sessions');
    assert.ok(Number(rows[0]?.n) >= 2, 'both sessions are rows in PostgreSQL');
    const users = await replica.users.findByName('alice');
    assert.equal(users.length, 1);
    assert.equal((await replica.mfa.listFactors(users[0]?.id ?? '')).length, 1);
  });

  it('alice asks, bob approves, and alice reaches payroll through the gateway', async () => {
    const denied = await alice.navigate(`${demo.payrollOrigin}/headers`);
    assert.equal(denied.status, 403, 'no grant yet');
    const asked = await call(alice, demo.url, 'POST', '/api/v1/requests', {
      resource: 'payroll',
      duration: '30m',
      reason: 'month-end run on PostgreSQL',
    });
    assert.equal(asked.status, 201, asked.body);
    const requestId = String((asked.json.request as { id: string }).id);
    const approved = await call(bob, demo.url, 'POST', `/api/v1/requests/${requestId}/approve`, {
      comment: 'ok',
    });
    assert.equal(approved.status, 200, approved.body);
    grantId = (approved.json.grant as { id: string }).id;

    const app = await alice.navigate(`${demo.payrollOrigin}/headers`);
    assert.equal(app.status, 200, app.body.slice(0, 300));
    const headers = (JSON.parse(app.body) as { headers: Record<string, string> }).headers;
    assert.equal(headers['x-payroll-user'], 'alice');
    assert.ok(headers['x-jitgate-assertion'], 'the identity assertion reached the app');

    const stored = await replica.grants.get(grantId);
    assert.equal(stored?.resourceId, 'payroll');
    assert.equal((await replica.requests.findByGrant(grantId))?.id, requestId);
  });

  it('bob revokes; alice is refused; the other replica reads the revoke', async () => {
    const revoked = await call(bob, demo.url, 'POST', `/api/v1/grants/${grantId}/revoke`, {
      reason: 'done',
    });
    assert.equal(revoked.status, 200, revoked.body);
    const after = await alice.navigate(`${demo.payrollOrigin}/headers`);
    assert.equal(after.status, 403);
    assert.ok((await replica.grants.get(grantId))?.revokedAt);
  });

  it('leaves one audit chain in PostgreSQL that verifies, online and offline', async () => {
    const audit = new AuditLog(replica.audit, replica, Date.now);
    const codes = (await audit.list({ limit: 1000 })).map((e) => e.code);
    for (const code of [
      'config.loaded',
      'auth.login',
      'request.created',
      'request.approved',
      'grant.started',
      'grant.revoked',
    ])
      assert.ok(codes.includes(code as (typeof codes)[number]), `${code} is in the log`);
    const verified = await audit.verify();
    assert.equal(verified.ok, true, JSON.stringify(verified));
    const cli = await runCli(['audit', 'verify', '--postgres'], { JITGATE_PG_URL: url });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`^ok: ${verified.count} events`));
  });
});
