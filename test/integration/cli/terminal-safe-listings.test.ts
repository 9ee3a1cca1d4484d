// `jitgate recordings list` prints what the store holds about people: their id comes from an
// identity provider (an OIDC `sub`, a SAML NameID), which may be a vendor's. A control character
// in it (ESC, BEL, a C1 CSI) must not reach the auditor's terminal as itself: rows show it as
// `\xNN` like every table of the CLI, and --json escapes it (the same JSON value).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { sqlitePathOf } from '../../../proxy/store/sqlite-path.js';
import { runCli } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-listing-'));
const HOSTILE_USER = 'vendor:vic\u001b]0;owned\u0007\u009b2J\r';

before(async () => {
  const store = openSqliteStore(sqlitePathOf({ driver: 'sqlite' }, dir));
  await store.terminalSessions.insert({
    id: 'ts_hostile',
    userId: HOSTILE_USER,
    resourceId: 'prod-shell',
    login: 'deploy',
    grantId: 'grt_hostile',
    via: 'web',
    startedAt: 1_700_000_000_000,
    endedAt: null,
    endReason: null,
    state: 'live',
    recordingState: 'recording',
    recording: 'ts_hostile.cast',
    checksum: null,
    bytes: null,
    instance: null,
  });
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

// eslint-disable-next-line no-control-regex -- what must not reach the terminal
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

void describe('recordings list keeps control characters from the terminal', () => {
  void it('in its rows', async () => {
    const run = await runCli(['recordings', 'list', '--state-dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, CONTROL_BUT_NEWLINE);
    assert.match(run.stdout, /vendor:vic\\x1b\]0;owned\\x07\\x9b2J\\x0d/);
  });

  void it('in --json, as the same JSON value', async () => {
    const run = await runCli(['recordings', 'list', '--json', '--state-dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, CONTROL_BUT_NEWLINE);
    assert.equal((JSON.parse(run.stdout) as { user: string }).user, HOSTILE_USER);
  });
});
