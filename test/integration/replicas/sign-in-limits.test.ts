// Sign-in rate limits across two real jitgate processes on one PostgreSQL: the counts are in the
// store, so a client that alternates between the replicas gets the limit once, not once per
// replica: its 5th sign-in start is refused (429 rate_limited, Retry-After) wherever it lands,
// and so is a callback after its 3rd refused sign-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { rawRequest, type Reply } from '../../support/http-client.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';

const STARTS = 4;
const FAILURES = 3;

let cluster: ReplicaCluster;

before(async () => {
  cluster = await startReplicaCluster(['a', 'b'], (config) => ({
    ...config,
    rateLimits: {
      signInStarts: { max: STARTS, window: '10m' },
      signInFailures: { max: FAILURES, window: '10m' },
    },
  }));
});
after(async () => {
  await cluster?.stop();
});

/** GET `path` at replica `replica` (every request comes from 127.0.0.1: one client). */
function at(replica: string, path: string): Promise<Reply> {
  cluster.to(replica);
  return rawRequest(`${cluster.url}${path}`, { headers: { accept: 'application/json' } });
}

function assertLimited(reply: Reply) {
  assert.equal(reply.status, 429, reply.body);
  assert.equal(reply.headers['x-jitgate-error'], 'rate_limited');
  assert.ok(Number(reply.headers['retry-after']) >= 1, String(reply.headers['retry-after']));
}

void describe('sign-in rate limits across two replicas', () => {
  void it('counts sign-in starts at both replicas against one limit', async () => {
    for (let i = 0; i < STARTS; i++) {
      const started = await at(i % 2 ? 'b' : 'a', '/auth/login?idp=corp');
      assert.equal(started.status, 302, `start ${i + 1}: ${started.body}`);
    }
    for (const replica of ['a', 'b']) assertLimited(await at(replica, '/auth/login?idp=corp'));
  });

  void it('counts refused sign-ins at both replicas against one limit', async () => {
    for (let i = 0; i < FAILURES; i++) {
      const refused = await at(i % 2 ? 'b' : 'a', '/auth/callback?state=forged&code=forged');
      assert.equal(refused.status, 400, `failure ${i + 1}: ${refused.body}`);
    }
    for (const replica of ['a', 'b'])
      assertLimited(await at(replica, '/auth/callback?state=forged&code=forged'));
  });
});
