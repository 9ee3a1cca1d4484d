// Two real jitgate processes on one PostgreSQL, and replica B cut off from the database (a
// network partition): B cannot know of a revoke made at A meanwhile, so past the staleness bound
// it keeps nothing open on what it knew before -- the WebSocket alice opened at B under the grant
// is cut -- and it admits nothing new (503), rather than serve on as if its copy were current.
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { TestBrowser } from '../../support/http-client.js';
import { startPgLink, type PgLink } from '../../support/pg-link.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { appWebSocket, waitFor } from '../../support/wire.js';
import { bearerCall } from '../access/api-client.js';

let cluster: ReplicaCluster;
let link: PgLink;
let alice: TestBrowser;

before(async () => {
  cluster = await startReplicaCluster(['a']);
  link = await startPgLink(cluster.storeUrl);
  await cluster.start('b', { storeUrl: link.url });
  alice = await cluster.login('alice', 'a', 'a');
});
after(async () => {
  await cluster?.stop();
  await link?.close();
});

async function admin(path: string, body: Record<string, unknown>) {
  cluster.to('a');
  return bearerCall(cluster.adminToken, cluster.url, 'POST', path, body);
}

void describe('a replica cut off from PostgreSQL', () => {
  void it('cuts the WebSockets it holds, and admits nobody, while it cannot know of revokes', async () => {
    const granted = await admin('/api/v1/admin/grants', {
      user: 'alice',
      resource: 'echo',
      duration: '30m',
    });
    assert.equal(granted.status, 201, granted.body);
    const grantId = String((granted.json.grant as { id: string }).id);
    cluster.to('b');
    assert.equal((await alice.navigate(`${cluster.appOrigin}/`)).status, 200);
    const { ws, outcome } = appWebSocket(cluster.appOrigin, '/', {
      cookie: alice.jar.header('echo.localhost') ?? '',
      origin: cluster.appOrigin,
    });
    assert.equal(await outcome, 'open');

    try {
      link.cut();
      const revoked = await admin(`/api/v1/admin/grants/${grantId}/revoke`, {});
      assert.equal(revoked.status, 200, revoked.body);
      await waitFor(
        () => ws.readyState === WebSocket.CLOSED,
        10_000,
        'B to cut the WebSocket it can no longer vouch for',
      );
      cluster.to('b');
      assert.equal((await alice.request(`${cluster.appOrigin}/`)).status, 503);
    } finally {
      ws.terminate();
      link.mend();
    }
    await waitFor(
      async () => (await alice.request(`${cluster.appOrigin}/`)).status === 403,
      15_000,
      'B, back in touch, to refuse the revoked grant',
    );
  });
});
