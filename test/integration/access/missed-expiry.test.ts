// A grant that ends while jitgate is down gets its grant.expired at the next start, with its
// real end time, and only once however often jitgate starts again.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startDemo, type RunningDemo } from '../../../proxy/demo/start-demo.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { startTestDemo } from '../../support/demo.js';

let demo: RunningDemo;
let stateDir = '';

before(async () => {
  const first = await startTestDemo();
  demo = first;
  stateDir = first.stateDir;
});
after(async () => {
  await demo.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const expiriesOf = async (grantId: string) =>
  (await demo.jitgate.audit.list({ code: 'grant.expired', limit: 1000 })).filter(
    (event) => (event.data as { grant?: string } | null)?.grant === grantId,
  );

void describe('expiries missed while jitgate was down', () => {
  void it('are recorded at start-up with their real end time, once', async () => {
    const now = Date.now();
    await demo.jitgate.store.users.upsert({
      id: 'demo:dora',
      idp: 'demo',
      subject: 'dora',
      username: 'dora',
      email: null,
      name: 'Dora',
      groups: ['staff'],
      kind: 'person',
      claims: {},
      lastLoginAt: now,
    });
    // As a grant that was live when jitgate stopped and ended before it started again.
    const endsAt = now - 60_000;
    const grant = {
      id: 'grt_missed_expiry_1',
      userId: 'demo:dora',
      resourceId: 'payroll',
      startsAt: now - 3_600_000,
      endsAt,
      reason: 'month end',
      createdBy: 'test',
      createdAt: now - 3_600_000,
      revokedAt: null,
      revokedBy: null,
    };
    await demo.jitgate.store.grants.insert(grant);
    assert.deepEqual(await expiriesOf(grant.id), []);

    for (let start = 0; start < 2; start++) {
      await demo.close();
      demo = await startDemo({ port: 0, stateDir, log: silentLogger });
    }
    const [expired, ...more] = await expiriesOf(grant.id);
    assert.equal(more.length, 0, 'recorded once');
    assert.deepEqual(expired?.data, {
      grant: grant.id,
      user: 'demo:dora',
      endsAt,
      recordedLate: true,
    });
    assert.equal(expired?.actor, 'system');
  });
});
