// `jitgate audit verify|export` on the PostgreSQL database that replicas share: found through
// --postgres (the URL in JITGATE_PG_URL, never an argument) or a config whose storage is
// postgres (urlEnv or urlFile). A row edited in the database is caught at its seq; a database
// without jitgate's schema, or one that cannot be reached, is an error that never shows the URL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from '../../support/guarded-test.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { openPostgresStore } from '../../../proxy/store/postgres/postgres-store.js';
import { runCli } from '../../support/cli.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';

const T0 = Date.parse('2025-03-10T09:00:00Z');
let pg: TestPostgres;
const dir = mkdtempSync(join(tmpdir(), 'jitgate-audit-pg-'));

before(async () => {
  pg = await startTestPostgres();
});
after(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A database holding four audited events; resolves its URL. */
async function auditedDatabase(): Promise<string> {
  const url = await pg.createDatabase();
  const store = await openPostgresStore({ url });
  let now = T0;
  const audit = new AuditLog(store.audit, store, () => (now += 60_000));
  await audit.record({ code: 'config.loaded', actor: 'system', data: { resources: 2 } });
  await audit.record({ code: 'auth.login', actor: 'corp:alice' });
  await audit.record({ code: 'request.created', actor: 'corp:alice', reason: 'payroll run' });
  await audit.record({ code: 'request.approved', actor: 'corp:bob', target: 'req_1' });
  await store.close();
  return url;
}

async function tamper(url: string, sql: string) {
  const store = await openPostgresStore({ url });
  await store.db.run(sql);
  await store.close();
}

const passwordOf = (url: string) => new URL(url).password;

describe('jitgate audit on PostgreSQL', () => {
  test('--postgres verifies the chain; an edited row is caught at its seq', async () => {
    const url = await auditedDatabase();
    const ok = await runCli(['audit', 'verify', '--postgres'], { JITGATE_PG_URL: url });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^ok: 4 events, head [0-9a-f]{64}\n$/);

    await tamper(url, "UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 3");
    const broken = await runCli(['audit', 'verify', '--postgres', '--json'], {
      JITGATE_PG_URL: url,
    });
    assert.equal(broken.code, 4);
    assert.deepEqual(
      { ...(JSON.parse(broken.stdout) as object), detail: undefined },
      { ok: false, seq: 3, reason: 'edited', count: 2, detail: undefined },
    );
  });

  test('a config with storage on postgres finds it (urlEnv or urlFile)', async () => {
    const url = await auditedDatabase();
    const idp = `identityProviders:\n  - id: corp\n    issuer: https://login.example.com\n    clientId: jitgate\n`;
    const byEnv = join(dir, 'by-env.yaml');
    writeFileSync(
      byEnv,
      `${idp}storage:\n  driver: postgres\n  postgres:\n    urlEnv: AUDIT_TEST_PG_URL\n`,
    );
    const viaEnv = await runCli(['audit', 'verify', '--config', byEnv], {
      AUDIT_TEST_PG_URL: url,
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.match(viaEnv.stdout, /^ok: 4 events/);

    writeFileSync(join(dir, 'pg-url'), `${url}\n`, { mode: 0o600 });
    const byFile = join(dir, 'by-file.yaml');
    writeFileSync(byFile, `${idp}storage:\n  driver: postgres\n  postgres:\n    urlFile: pg-url\n`);
    const exported = await runCli(['audit', 'export', '--config', byFile, '--actor', 'corp:alice']);
    assert.equal(exported.code, 0, exported.stderr);
    const events = exported.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { seq: number });
    assert.deepEqual(
      events.map((e) => e.seq),
      [2, 3],
    );
  });

  test('no URL, a database without jitgate, or no server: an error without the URL', async () => {
    const unset = await runCli(['audit', 'verify', '--postgres'], { JITGATE_PG_URL: '' });
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /--postgres reads the database URL from JITGATE_PG_URL/);

    const both = await runCli(['audit', 'verify', '--postgres', '--state-dir', dir]);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /give one of --state-dir, --config, --postgres/);

    const empty = await pg.createDatabase();
    const bare = await runCli(['audit', 'verify', '--postgres'], { JITGATE_PG_URL: empty });
    assert.equal(bare.code, 1);
    assert.match(bare.stderr, /no jitgate schema in this database/);
    assert.ok(!bare.stderr.includes(passwordOf(empty)));

    const down = 'postgresql://auditor:n0t-to-be-shown@127.0.0.1:1/jitgate';
    const unreachable = await runCli(['audit', 'verify', '--postgres'], { JITGATE_PG_URL: down });
    assert.equal(unreachable.code, 3);
    assert.match(unreachable.stderr, /cannot open the store: the store cannot be reached/);
    assert.doesNotMatch(unreachable.stdout + unreachable.stderr, /n0t-to-be-shown/);
  });
});
