// `jitgate audit verify|export` as an auditor runs it: offline on the database file. The file is
// tampered with directly (as someone with disk access would), and verify must name the first
// broken seq and exit 4; export writes JSON lines that honour the filters.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from '../../support/guarded-test.js';
import Database from 'better-sqlite3';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import type { AuditEvent, AuditEventInput } from '../../../proxy/audit/types.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { runCli } from '../../support/cli.js';

const T0 = Date.parse('2025-03-10T09:00:00Z');
const HOUR = 3_600_000;
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const INPUTS: AuditEventInput[] = [
  { code: 'config.loaded', actor: 'system', data: { resources: 2 } },
  { code: 'auth.login', actor: 'corp:alice' },
  { code: 'request.created', actor: 'corp:alice', target: 'req_1', reason: 'payroll run' },
  { code: 'request.approved', actor: 'corp:bob', target: 'req_1' },
  { code: 'grant.started', actor: 'system', target: 'grt_1', data: { resource: 'payroll' } },
  { code: 'auth.login', actor: 'corp:bob' },
];

/** A state folder whose database holds the six events above, one hour apart from T0. */
async function stateDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'jitgate-audit-'));
  dirs.push(dir);
  const store = openSqliteStore(join(dir, 'jitgate.db'));
  let now = T0;
  const audit = new AuditLog(store.audit, store, () => now);
  for (const input of INPUTS) {
    await audit.record(input);
    now += HOUR;
  }
  await store.close();
  return dir;
}

function tamper(dir: string, ...statements: string[]) {
  const db = new Database(join(dir, 'jitgate.db'));
  for (const sql of statements) db.prepare(sql).run();
  db.close();
}

describe('jitgate audit verify', () => {
  test('an untouched log verifies: count and head, exit 0', async () => {
    const dir = await stateDir();
    const result = await runCli(['audit', 'verify', '--state-dir', dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ok: 6 events, head [0-9a-f]{64}\n$/);
    const json = await runCli(['audit', 'verify', '--state-dir', dir, '--json']);
    assert.deepEqual(Object.keys(JSON.parse(json.stdout) as object), ['ok', 'count', 'head']);
  });

  test('an edited reason is caught at its seq', async () => {
    const dir = await stateDir();
    tamper(dir, "UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 3");
    const result = await runCli(['audit', 'verify', '--state-dir', dir]);
    assert.equal(result.code, 4);
    assert.match(result.stdout, /^broken at seq 3: edited/);
  });

  test('a deleted row is caught at the missing seq', async () => {
    const dir = await stateDir();
    tamper(dir, 'DELETE FROM audit_events WHERE seq = 4');
    const result = await runCli(['audit', 'verify', '--state-dir', dir, '--json']);
    assert.equal(result.code, 4);
    assert.deepEqual(
      { ...(JSON.parse(result.stdout) as object), detail: undefined },
      { ok: false, seq: 4, reason: 'deleted', count: 3, detail: undefined },
    );
  });

  test('two rows whose seqs were swapped are caught as reordered', async () => {
    const dir = await stateDir();
    tamper(
      dir,
      'UPDATE audit_events SET seq = -2 WHERE seq = 2',
      'UPDATE audit_events SET seq = 2 WHERE seq = 5',
      'UPDATE audit_events SET seq = 5 WHERE seq = -2',
    );
    const result = await runCli(['audit', 'verify', '--state-dir', dir]);
    assert.equal(result.code, 4);
    assert.match(
      result.stdout,
      /^broken at seq 2: reordered \(the event here was written as seq 5\)/,
    );
  });

  test('--config finds the database; a missing database is an error, not an empty log', async () => {
    const dir = await stateDir();
    const config = join(dir, 'jitgate.yaml');
    writeFileSync(
      config,
      `identityProviders:\n  - id: corp\n    issuer: https://login.example.com\n    clientId: jitgate\n` +
        `storage:\n  sqlitePath: ${JSON.stringify(join(dir, 'jitgate.db'))}\n`,
    );
    const viaConfig = await runCli(['audit', 'verify', '--config', config]);
    assert.equal(viaConfig.code, 0, viaConfig.stderr);
    assert.match(viaConfig.stdout, /^ok: 6 events/);
    const missing = await runCli(['audit', 'verify', '--state-dir', join(dir, 'nope')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no jitgate database at/);
  });
});

describe('jitgate audit export', () => {
  const exported = async (dir: string, ...args: string[]) => {
    const result = await runCli(['audit', 'export', '--state-dir', dir, ...args]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    return { events: lines.map((line) => JSON.parse(line) as AuditEvent), stderr: result.stderr };
  };

  test('writes every event as a JSON line, chain fields included', async () => {
    const dir = await stateDir();
    const { events, stderr } = await exported(dir);
    assert.deepEqual(
      events.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(events[1]?.prevHash, events[0]?.hash);
    assert.deepEqual(events[4]?.data, { resource: 'payroll' });
    assert.match(stderr, /exported 6 events/);
  });

  test('honours --code, --actor, --since and --until', async () => {
    const dir = await stateDir();
    const seqs = async (...args: string[]) =>
      (await exported(dir, ...args)).events.map((e) => e.seq);
    assert.deepEqual(await seqs('--code', 'auth.login'), [2, 6]);
    assert.deepEqual(await seqs('--actor', 'corp:alice'), [2, 3]);
    assert.deepEqual(
      await seqs('--since', '2025-03-10T10:00:00Z', '--until', '2025-03-10T12:00:00Z'),
      [2, 3],
    );
    assert.deepEqual(await seqs('--since', '2025-03-11'), []);
    const bad = await runCli(['audit', 'export', '--state-dir', dir, '--since', 'yesterday']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--since must be a date/);
  });
});
