// The audit chain with several writers: two real processes on one PostgreSQL each start 250
// grants at once (each grant commits with its grant.started event). Every event is appended
// under the store's serializing transaction lock, so the result is one chain of 500 (+ nothing
// lost, no sequence twice) that `jitgate audit verify --postgres` accepts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';
import {
  openPostgresStore,
  type PostgresStore,
} from '../../../proxy/store/postgres/postgres-store.js';
import { runCli } from '../../support/cli.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import { personRecord } from '../../support/person.js';

const WRITER = fileURLToPath(new URL('./audit-writer.ts', import.meta.url));
const PER_PROCESS = 250;
let pg: TestPostgres;
let url: string;
let store: PostgresStore;

function writer(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER], {
      env: { ...process.env, JITGATE_PG_URL: url, JITGATE_GRANTS: String(PER_PROCESS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`writer exited ${code}: ${out}`)),
    );
  });
}

before(async () => {
  pg = await startTestPostgres();
  url = await pg.createDatabase();
  store = await openPostgresStore({ url, applicationName: 'audit-chain-test' });
  await store.users.upsert(personRecord('demo:alice', Date.now()));
});
after(async () => {
  await store?.close();
  await pg?.stop();
});

void describe('one audit chain from two writing processes', () => {
  it('500 concurrent audited actions over two processes leave one chain that verifies', async () => {
    const outputs = await Promise.all([writer(), writer()]);
    assert.deepEqual(outputs, ['done\n', 'done\n']);
    const rows = await store.db.all(
      "SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM audit_events WHERE code = 'grant.started'",
    );
    assert.equal(rows[0]?.n, 2 * PER_PROCESS, 'every action was recorded');
    const cli = await runCli(['audit', 'verify', '--postgres'], { JITGATE_PG_URL: url });
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, new RegExp(`^ok: ${2 * PER_PROCESS} events`));
  });
});
