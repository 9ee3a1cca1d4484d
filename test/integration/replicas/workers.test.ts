// `server.workers: 2` as a real process group on a real PostgreSQL: two workers serve one port
// (the kernel hands each connection to one of them); a revoke taken by one worker cuts, within a
// second, a WebSocket and the requests the other serves; SIGKILL of a worker: the primary starts
// a replacement under the same index and service goes on with what is in the store; SIGTERM to
// the primary stops every worker and exits 0; workers that cannot start (at start-up, or as
// replacements while PostgreSQL is down) make the primary exit 1.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { WebSocket } from 'ws';
import { runCaptured } from '../../support/cli.js';
import type { TestBrowser } from '../../support/http-client.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { connectionTo, type WorkerGroup } from '../../support/worker-group.js';
import { waitFor } from '../../support/wire.js';

/** The bound the issue sets for a revoke to cut live connections. */
const ONE_SECOND = 1000;

let cluster: ReplicaCluster;
let group: WorkerGroup;
let alice: TestBrowser;

before(async () => {
  cluster = await startReplicaCluster([]);
  group = await cluster.startWorkers('w', 2);
  alice = await cluster.login('alice', 'w', 'w');
});
after(async () => {
  await cluster?.stop();
});

const pids = () => [...group.workers.values()];
const appHost = () => new URL(cluster.appOrigin).host;

/** A connection worker `index` accepted. */
const socketOf = (index: number): Promise<Socket> =>
  connectionTo(group.port, group.workers.get(index) ?? 0, pids());

interface Answer {
  status: number;
  body: string;
}

/** One HTTP exchange on `socket` (a connection a chosen worker holds). */
function exchange(
  socket: Socket,
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        createConnection: () => socket,
        path,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? new URL(cluster.url).host, ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** An admin call served by worker `index`. */
async function adminCall(index: number, path: string, body: object): Promise<Answer> {
  const socket = await socketOf(index);
  try {
    return await exchange(socket, path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${cluster.adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  } finally {
    socket.destroy();
  }
}

/** Alice's app request served by worker `index` (no redirects followed). */
async function appStatusAt(index: number): Promise<number> {
  const socket = await socketOf(index);
  try {
    const cookie = alice.jar.header('echo.localhost') ?? '';
    return (await exchange(socket, '/', { host: appHost(), headers: { cookie } })).status;
  } finally {
    socket.destroy();
  }
}

async function grantAt(index: number): Promise<string> {
  const reply = await adminCall(index, '/api/v1/admin/grants', {
    user: 'alice',
    resource: 'echo',
    duration: '30m',
  });
  assert.equal(reply.status, 201, reply.body);
  return String((JSON.parse(reply.body) as { grant: { id: string } }).grant.id);
}

void describe('server.workers: several workers on one port and one PostgreSQL', () => {
  void it('serves one port from two worker processes', async () => {
    assert.equal(group.workers.size, 2);
    const [one, two] = pids();
    assert.notEqual(one, two);
    // Each worker accepts connections on the shared port, and answers on them.
    for (const index of [1, 2]) {
      const socket = await socketOf(index);
      const me = await exchange(socket, '/healthz', {});
      socket.destroy();
      assert.equal(me.status, 200, `worker ${index}: ${me.body}`);
    }
  });

  void it('cuts, within a second, a WebSocket and requests at worker 2 whose grant worker 1 revoked', async () => {
    // The grant is made at worker 1; the app is opened (handoff and all) wherever it lands.
    const grantId = await grantAt(1);
    await waitFor(
      async () => (await alice.navigate(`${cluster.appOrigin}/`)).status === 200,
      ONE_SECOND,
      'the app to admit alice',
    );
    await waitFor(async () => (await appStatusAt(2)) === 200, ONE_SECOND, 'worker 2 to admit');
    const held = await socketOf(2);
    const ws = new WebSocket(`ws://${appHost()}/`, {
      createConnection: () => held,
      headers: { cookie: alice.jar.header('echo.localhost') ?? '', origin: cluster.appOrigin },
    });
    ws.on('error', () => undefined);
    await once(ws, 'open');
    ws.send('ping');
    await once(ws, 'message');
    const closed = new Promise<number>((resolve) => ws.once('close', () => resolve(Date.now())));

    const revoked = await adminCall(1, `/api/v1/admin/grants/${grantId}/revoke`, {});
    assert.equal(revoked.status, 200, revoked.body);
    const revokedAt = Date.now();
    await waitFor(
      () => ws.readyState === WebSocket.CLOSED,
      ONE_SECOND,
      "worker 2's WebSocket to close",
    );
    assert.ok((await closed) - revokedAt <= ONE_SECOND);
    assert.equal(await appStatusAt(2), 403);
    assert.equal(await appStatusAt(1), 403);
  });

  void it('replaces a worker killed with SIGKILL, and serves on from the store', async () => {
    const grantId = await grantAt(2);
    await waitFor(async () => (await appStatusAt(1)) === 200, ONE_SECOND, 'worker 1 to admit');
    const victim = group.workers.get(1) ?? 0;
    process.kill(victim, 'SIGKILL');
    const died = await group.logged(
      (line) => line.msg === 'worker died; starting a replacement' && line.pid === victim,
      'the death of worker 1',
    );
    assert.equal(died.signal, 'SIGKILL');
    // The other worker serves on meanwhile.
    assert.equal(await appStatusAt(2), 200);
    const replaced = await group.logged(
      (line) => line.msg === 'worker ready' && line.worker === 1 && line.pid !== victim,
      'a new worker 1',
    );
    assert.notEqual(replaced.pid, victim);
    // The replacement knows the grant (the store has it) and the session (so does the session).
    assert.equal(await appStatusAt(1), 200);
    // And it still hears of a revoke taken by the other worker.
    const revoked = await adminCall(2, `/api/v1/admin/grants/${grantId}/revoke`, {});
    assert.equal(revoked.status, 200, revoked.body);
    await waitFor(async () => (await appStatusAt(1)) === 403, ONE_SECOND, 'worker 1 to refuse');
  });

  void it('stops every worker gracefully on SIGTERM and exits 0', async () => {
    const workers = pids();
    const exited = once(group.process, 'exit');
    process.kill(group.process.pid ?? 0, 'SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    assert.ok(group.lines.some((line) => line.msg === 'workers stopped'));
  });
});

void describe('server.workers: workers that cannot start', () => {
  void it('exits 1 when a dead worker cannot be replaced (PostgreSQL down)', async () => {
    const doomed = await cluster.startWorkers('doomed', 2);
    const exited = once(doomed.process, 'exit');
    const startAgain = await cluster.pg.stopServer();
    try {
      process.kill(doomed.workers.get(1) ?? 0, 'SIGKILL');
      const [code] = (await exited) as [number | null];
      assert.equal(code, 1);
      const failures = doomed.lines.filter(
        (line) => line.msg === 'replacement worker did not start',
      );
      assert.deepEqual(
        failures.map((line) => line.failures),
        [1, 2, 3],
      );
      assert.ok(
        doomed.lines.some((line) => line.msg === 'workers cannot be kept running; stopping'),
      );
      for (const pid of doomed.workers.values())
        assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    } finally {
      await startAgain();
    }
  });

  void it('exits 1, naming the worker, when the store cannot be reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jitgate-workers-fail-'));
    try {
      const config = {
        server: { host: '127.0.0.1', port: 0, workers: 2 },
        state: { dir },
        storage: {
          driver: 'postgres',
          postgres: { urlEnv: 'JITGATE_TEST_NO_PG', connectTimeout: '1s' },
        },
        identityProviders: [{ id: 'corp', issuer: 'https://127.0.0.1:1/idp', clientId: 'jitgate' }],
      };
      writeFileSync(join(dir, 'jitgate.json'), JSON.stringify(config));
      const result = await runCaptured(
        process.execPath,
        ['--import', 'tsx', 'proxy/cli/main.ts', 'serve', '--config', join(dir, 'jitgate.json')],
        { JITGATE_TEST_NO_PG: 'postgresql://jitgate:x@127.0.0.1:1/jitgate' },
      );
      assert.equal(result.code, 1, result.stderr);
      // The worker says why in one line (its exit code 3: cannot be reached), the primary which.
      assert.match(
        result.stderr,
        /^jitgate: the store cannot be reached \(store_unavailable\): database unavailable: ECONNREFUSED$/m,
      );
      assert.doesNotMatch(result.stderr, /unexpected failure|\n\s+at /);
      assert.match(result.stderr, /worker 1 exited before it was ready \(exit code 3\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
