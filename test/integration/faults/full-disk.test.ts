// A full disk (the state folder on a small tmpfs, filled to the last byte). The store: a
// transaction fails with the disk's own error (SQLITE_FULL), never with the rollback's, and works
// again once space is back. The proxy: a write through the API answers 500 with a request id
// whose log line names the cause; /readyz says the store cannot be written while /healthz (the
// process is alive) stays 200; the CLI exits 3 (a server failure, docs/cli.md); once space is
// back, all of it recovers by itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';
import { startDemo, type RunningDemo } from '../../../proxy/demo/start-demo.js';
import { createLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { formAction, rawRequest, TestBrowser } from '../../support/http-client.js';
import { authenticatorOf, completeMfa } from '../../support/mfa.js';
import { mountSmallDisk, type SmallDisk } from '../../support/small-disk.js';
import { waitFor } from '../../support/wire.js';
import { call } from '../access/api-client.js';

const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));

let disk: SmallDisk;
before(() => (disk = mountSmallDisk(12)));
after(() => disk.unmount());

/** Log lines as parsed records. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { lines, log };
}

/** Every `code` in an error's cause chain, as a log line has it. */
function codesIn(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  return [...(typeof code === 'string' ? [code] : []), ...codesIn(cause)];
}

void describe('the SQLite store on a full disk', () => {
  it('fails a transaction with the disk error, and works again once space is back', async () => {
    const { lines, log } = capture();
    const store = openSqliteStore(join(disk.dir, 'store', 'jitgate.db'), { log });
    try {
      await store.atomic(() => store.settings.putIfAbsent('before', 'kept'));
      disk.fill();
      for (const name of ['full1', 'full2']) {
        await assert.rejects(
          store.atomic(() => store.settings.putIfAbsent(name, 'x'.repeat(10_000))),
          (error: Error & { code?: string }) => {
            assert.equal(error.code, 'SQLITE_FULL', `${error.name}: ${error.message}`);
            return true;
          },
        );
      }
      disk.free();
      await store.atomic(() => store.settings.putIfAbsent('after', 'kept'));
      assert.equal(await store.settings.get('before'), 'kept');
      assert.equal(await store.settings.get('after'), 'kept');
      assert.equal(await store.settings.get('full1'), undefined);
      assert.deepEqual(lines, [], 'SQLite had rolled back by itself: nothing else to report');
    } finally {
      disk.free();
      await store.close();
    }
  });
});

void describe('the proxy on a full disk', () => {
  let demo: RunningDemo;
  const { lines, log } = capture();
  before(async () => {
    demo = await startDemo({ port: 0, stateDir: join(disk.dir, 'state'), log });
  });
  after(async () => {
    disk.free();
    await demo.close();
  });

  const readyz = async () => {
    const reply = await rawRequest(`${demo.url}/readyz`);
    return { status: reply.status, body: JSON.parse(reply.body) as Record<string, unknown> };
  };

  function cli(args: string[], env: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args, '--url', `http://127.0.0.1:${demo.port}`],
        { env: { ...process.env, JITGATE_FROM_SOURCE: '1', PORT: '', ...env }, timeout: 60_000 },
        (error) => resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0),
      );
    });
  }

  it('says so, with the cause in the log, and recovers once space is back', async () => {
    const alice = new TestBrowser();
    const form = await alice.navigate(`${demo.url}/auth/login?idp=demo`);
    const atMfa = await alice.postForm(formAction(form), { username: 'alice', password: 'demo' });
    await completeMfa(alice, atMfa, authenticatorOf(demo.url, 'alice'));
    const token = String((await call(alice, demo.url, 'POST', '/api/v1/tokens', {})).json.token);
    assert.deepEqual(await readyz(), { status: 200, body: { status: 'ready' } });
    const ask = { resource: 'payroll', duration: '30m', reason: 'full disk' };

    disk.fill();
    const refused = await call(alice, demo.url, 'POST', '/api/v1/requests', ask);
    assert.equal(refused.status, 500, refused.body);
    assert.equal(refused.json.error?.code, 'internal_error');
    const requestId = refused.headers['x-request-id'];
    const line = lines.find((l) => l.requestId === requestId && l.level === 'error');
    assert.ok(line, `an error line for request ${String(requestId)}`);
    assert.ok(codesIn(line.error).includes('SQLITE_FULL'), JSON.stringify(line));
    assert.ok(!JSON.stringify(lines).includes('cannot rollback'), 'the cause is not replaced');

    const unready = await waitFor(
      async () => {
        const answer = await readyz();
        return answer.status === 503 ? answer : undefined;
      },
      5000,
      '/readyz to say the store cannot be written',
    );
    assert.deepEqual(unready.body.reasons, [
      { code: 'store_unwritable', message: 'the store cannot be written (the log says why)' },
    ]);
    assert.equal((await rawRequest(`${demo.url}/healthz`)).status, 200, 'alive all the same');
    const said = lines.find((l) => l.msg === 'the store cannot be written');
    assert.equal(said?.level, 'error');
    assert.ok(codesIn(said?.error).includes('SQLITE_FULL'));

    // The CLI, as an admin (the admin token's path) and as a person (the SDK's): exit 3.
    const [asAdmin, asPerson] = await Promise.all([
      cli(['grant', 'alice', 'payroll', '--for', '30m', '--state-dir', demo.stateDir]),
      cli(['request', 'payroll', '--for', '30m', '--reason', 'full disk'], {
        JITGATE_TOKEN: token,
      }),
    ]);
    assert.deepEqual([asAdmin, asPerson], [3, 3]);

    disk.free();
    await waitFor(async () => (await readyz()).status === 200, 5000, '/readyz to be ready again');
    const accepted = await call(alice, demo.url, 'POST', '/api/v1/requests', ask);
    assert.equal(accepted.status, 201, accepted.body);
  });
});
