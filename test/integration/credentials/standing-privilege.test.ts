// Standing privilege on a real PostgreSQL target: a login role created behind jitgate's back
// (and allowed to connect to the resource's database) is found, with what makes it worse
// (superuser); the roles jitgate mints for grants and its own admin role are not; dropping the
// role makes the finding go away, /metrics counts what the last scan found, and the access
// review's JSON and CSV export carry the finding. Auditors and admins see findings; others are
// refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { StandingFinding } from '../../../proxy/credentials/standing-scan.js';
import type { TestBrowser } from '../../support/http-client.js';
import { startMachineDemo, type MachineDemo } from '../../support/machine-demo.js';
import { call } from '../access/api-client.js';
import { grantWithCredential } from './api-calls.js';

let m: MachineDemo;
let carol: TestBrowser;
let alice: TestBrowser;

before(async () => {
  m = await startMachineDemo();
  carol = await m.demo.login('carol');
  alice = await m.demo.login('alice');
});
after(async () => {
  await m.stop();
});

const findings = async (who: TestBrowser) => {
  const reply = await call(who, m.demo.url, 'GET', '/api/v1/reports/standing');
  assert.equal(reply.status, 200, reply.body);
  return reply.json.findings as StandingFinding[];
};
const principals = (list: StandingFinding[]) =>
  list.filter((f) => f.resource === 'orders-db').map((f) => f.principal);

void describe('the standing-privilege scan', () => {
  void it('finds a login role made behind jitgate’s back, and not the roles jitgate mints', async () => {
    const token = await m.machineToken('ci-runner');
    const { credential } = await grantWithCredential(m.url, token);
    assert.equal(principals(await findings(carol)).includes('backdoor'), false);

    await m.pg.query("CREATE ROLE backdoor LOGIN SUPERUSER PASSWORD 'standing'");
    const found = await findings(carol);
    const backdoor = found.find((f) => f.principal === 'backdoor');
    assert.deepEqual(backdoor, {
      resource: 'orders-db',
      kind: 'postgres_login_role',
      principal: 'backdoor',
      detail: 'login role, superuser',
    });
    assert.equal(principals(found).includes(credential.user), false, 'jg_ roles are jitgate’s');
    assert.equal(principals(found).includes('jitgate_admin'), false, 'its own admin role');
    const page = await carol.navigate(`${m.demo.url}/reports/access?resource=orders-db`);
    assert.match(
      page.body,
      /data-standing="orders-db">[^<]*<strong>backdoor<\/strong>\s*\(login role, superuser\)/,
    );
    const review = await call(
      carol,
      m.demo.url,
      'GET',
      '/api/v1/reports/access?resource=orders-db',
    );
    assert.deepEqual(
      (review.json.standing as StandingFinding[]).find((f) => f.principal === 'backdoor'),
      backdoor,
    );
    const csv = await carol.navigate(
      `${m.demo.url}/api/v1/reports/access?resource=orders-db&format=csv`,
    );
    assert.ok(
      csv.body.includes(
        `"orders-db",${'"",'.repeat(19)}"postgres_login_role","backdoor","login role, superuser"\r\n`,
      ),
      csv.body,
    );
    const metrics = await (await fetch(`${m.url}/metrics`)).text();
    const counted = Number(/^jitgate_standing_privileges (\d+)$/m.exec(metrics)?.[1]);
    assert.equal(counted, found.length);
  });

  void it('reports a role only where it may connect, and forgets it once dropped', async () => {
    await m.pg.query("CREATE ROLE outsider LOGIN PASSWORD 'standing'");
    await m.pg.query(`REVOKE CONNECT ON DATABASE "${m.pg.database}" FROM PUBLIC`);
    assert.equal(principals(await findings(carol)).includes('outsider'), false);
    await m.pg.query(`GRANT CONNECT ON DATABASE "${m.pg.database}" TO outsider`);
    assert.equal(principals(await findings(carol)).includes('outsider'), true);
    await m.pg.query(`REVOKE CONNECT ON DATABASE "${m.pg.database}" FROM outsider`);
    await m.pg.query('DROP ROLE outsider');
    await m.pg.query('DROP ROLE backdoor');
    const after = principals(await findings(carol));
    assert.equal(after.includes('backdoor') || after.includes('outsider'), false);
  });

  void it('is for auditors and admins only', async () => {
    const reply = await call(alice, m.demo.url, 'GET', '/api/v1/reports/standing');
    assert.equal(reply.status, 403, reply.body);
    assert.equal(reply.json.error?.code, 'auditor_required');
  });
});
