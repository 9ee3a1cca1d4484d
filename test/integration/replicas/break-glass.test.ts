// Break-glass across two real jitgate processes on one PostgreSQL: erin breaks the glass at A and
// bob's event stream at B hears it (his live banner); bob reviews at B and the streams at A (his
// and erin's) hear it. Each stream hears each stage once, and each webhook goes out once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { TestBrowser } from '../../support/http-client.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { waitFor } from '../../support/wire.js';
import { call, EventStream, portalCookie, type SseEvent } from '../access/api-client.js';

/** The bound the issue sets for a change at one replica to reach streams on every other. */
const ONE_SECOND = 1000;

let cluster: ReplicaCluster;
let erin: TestBrowser;
let bob: TestBrowser;

before(async () => {
  cluster = await startReplicaCluster(['a', 'b'], (config) => ({
    ...config,
    policies: [
      ...(config.policies ?? []),
      {
        id: 'erin-emergency',
        resources: ['echo'],
        subjects: { users: ['erin'], kinds: ['person'] },
        maxDuration: '1h',
        approval: { groups: ['approvers'], count: 1 },
        breakGlass: {
          users: ['erin'],
          incidentPattern: '^INC-[0-9]+$',
          maxDuration: '15m',
          reviewWithin: '1h',
        },
      },
    ],
  }));
  erin = await cluster.login('erin', 'a', 'a');
  bob = await cluster.login('bob', 'b', 'b');
});
after(async () => {
  await cluster?.stop();
});

async function stream(who: TestBrowser, at: string): Promise<EventStream> {
  cluster.to(at);
  const opened = await EventStream.open(cluster.url, { cookie: portalCookie(who) });
  assert.equal(opened.status, 200);
  return opened;
}

const about = (grantId: string) => (data: Record<string, unknown>) =>
  (data.breakGlass as { grant?: string } | undefined)?.grant === grantId;

const heard = (events: SseEvent[], type: string, grantId: string) =>
  events.filter((e) => e.event === type && about(grantId)(e.data)).length;

void describe('break-glass across two replicas', () => {
  void it('reaches every replica’s streams once, and each webhook goes out once', async () => {
    const bobAtA = await stream(bob, 'a');
    const bobAtB = await stream(bob, 'b');
    const erinAtB = await stream(erin, 'b');
    try {
      cluster.to('a');
      const broke = await call(erin, cluster.url, 'POST', '/api/v1/break-glass', {
        resource: 'echo',
        duration: '15m',
        incident: 'INC-12',
        reason: 'the echo is down for everyone',
      });
      assert.equal(broke.status, 201, broke.body);
      const grantId = String((broke.json.grant as { id: string }).id);
      await bobAtB.next('break_glass.started', about(grantId), ONE_SECOND);
      await bobAtA.next('break_glass.started', about(grantId), ONE_SECOND);

      cluster.to('b');
      const reviewed = await call(
        bob,
        cluster.url,
        'POST',
        `/api/v1/break-glass/${grantId}/review`,
        {
          verdict: 'justified',
          comment: 'the echo was down',
        },
      );
      assert.equal(reviewed.status, 200, reviewed.body);
      for (const s of [bobAtA, bobAtB, erinAtB])
        await s.next('break_glass.reviewed', about(grantId), ONE_SECOND);

      // Once each: no replica tells a stream twice (the maker from memory, the others by the feed).
      for (const s of [bobAtA, bobAtB]) {
        assert.equal(heard(s.events, 'break_glass.started', grantId), 1);
        assert.equal(heard(s.events, 'break_glass.reviewed', grantId), 1);
      }
      await waitFor(
        async () =>
          (
            await cluster.query(
              'SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL',
            )
          )[0]?.n === 0,
        10_000,
        'the outbox to drain',
      );
      for (const type of ['break_glass.started', 'break_glass.reviewed']) {
        const sent = cluster.webhooks.filter(
          (w) => w.body.type === type && JSON.stringify(w.body).includes(grantId),
        );
        assert.equal(sent.length, 1, type);
      }
    } finally {
      for (const s of [bobAtA, bobAtB, erinAtB]) s.close();
    }
  });
});
