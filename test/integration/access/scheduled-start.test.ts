// A grant approved to start later is not announced at approval: no grant.started event or audit
// record then (grant.scheduled instead). Its start is recorded when it comes (the grant book's
// sweep: test/unit/access/grant-book-starts.test.ts), and a start that came while jitgate was
// down is recorded at the next start, once, however often jitgate starts again.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { AccessEvent } from '../../../proxy/access/events.js';
import { subjectFromUser } from '../../../proxy/access/subject.js';
import { startDemo, type RunningDemo } from '../../../proxy/demo/start-demo.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { startTestDemo } from '../../support/demo.js';

const HOUR = 3_600_000;
let demo: RunningDemo;
let stateDir = '';
const heard: AccessEvent[] = [];

before(async () => {
  const first = await startTestDemo();
  demo = first;
  stateDir = first.stateDir;
  for (const name of ['alice', 'bob']) await first.login(name);
  demo.jitgate.events.on((event) => heard.push(event));
});
after(async () => {
  await demo.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const recordsOf = async (code: string, grantId: string) =>
  (await demo.jitgate.audit.list({ code, limit: 1000 })).filter(
    (event) => (event.data as { grant?: string } | null)?.grant === grantId,
  );
const user = async (name: string) =>
  (await demo.jitgate.store.users.findByName(name))[0] ?? assert.fail(`${name} unknown`);

void describe('a grant scheduled for later', () => {
  void it('is not announced as started at approval', async () => {
    const fresh = { mfaFresh: true };
    const startAt = Date.now() + HOUR;
    const asked = await demo.jitgate.requests.create(
      subjectFromUser(await user('alice')),
      { resourceId: 'payroll', durationMs: HOUR, reason: 'audit prep', ticket: null, startAt },
      fresh,
    );
    const approved = await demo.jitgate.requests.approve(
      subjectFromUser(await user('bob')),
      asked.request.id,
      { comment: 'tomorrow then' },
      fresh,
    );
    const grant = approved.grant ?? assert.fail('approval made no grant');
    assert.equal(grant.startsAt, startAt);
    assert.deepEqual(await recordsOf('grant.started', grant.id), []);
    const [scheduled] = await recordsOf('grant.scheduled', grant.id);
    assert.equal((scheduled?.data as { startsAt?: number } | null)?.startsAt, startAt);
    const started = heard.filter((e) => e.type === 'grant.started' && e.grant.id === grant.id);
    assert.deepEqual(started, []);
  });

  void it('that started while jitgate was down is recorded at the next start, once', async () => {
    const now = Date.now();
    const alice = await user('alice');
    // As a grant approved yesterday for a start an hour ago, while jitgate was stopped.
    const grant = {
      id: 'grt_missed_start_1',
      userId: alice.id,
      resourceId: 'payroll',
      startsAt: now - HOUR,
      endsAt: now + HOUR,
      reason: 'audit prep',
      createdBy: 'demo:bob',
      createdAt: now - 24 * HOUR,
      revokedAt: null,
      revokedBy: null,
    };
    await demo.jitgate.store.grants.insert(grant);
    for (let start = 0; start < 2; start++) {
      await demo.close();
      demo = await startDemo({ port: 0, stateDir, log: silentLogger });
    }
    const [started, ...more] = await recordsOf('grant.started', grant.id);
    assert.equal(more.length, 0, 'recorded once');
    assert.equal(started?.actor, 'system');
    assert.deepEqual(started?.data, {
      grant: grant.id,
      user: alice.id,
      startsAt: grant.startsAt,
      endsAt: grant.endsAt,
      recordedLate: true,
    });
  });
});
