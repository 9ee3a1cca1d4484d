// `jitgate audit export` prints JSON lines of what people wrote (a request's reason, a denial's
// comment). JSON escapes C0 itself but leaves C1 (U+0080–U+009F, such as the one-byte CSI) raw,
// and a terminal may run it. The export escapes it too: the same JSON value, so the exported
// chain verifies elsewhere as before (docs/audit.md).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { sqlitePathOf } from '../../../proxy/store/sqlite-path.js';
import { runCli } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-audit-export-'));
const REASON = 'month-end\u009b2J\u009d0;owned\u009c';

before(async () => {
  const store = openSqliteStore(sqlitePathOf({ driver: 'sqlite' }, dir));
  const log = new AuditLog(store.audit, store, Date.now);
  await store.atomic(() =>
    log.append({ code: 'request.created', actor: 'demo:alice', target: 'payroll', reason: REASON }),
  );
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

void describe('audit export keeps C1 controls from the terminal', () => {
  void it('escapes them, keeping the same values', async () => {
    const run = await runCli(['audit', 'export', '--state-dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /[\u007f-\u009f]/);
    const [event] = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { reason: string });
    assert.equal(event?.reason, REASON);
    const verified = await runCli(['audit', 'verify', '--state-dir', dir]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  });
});
