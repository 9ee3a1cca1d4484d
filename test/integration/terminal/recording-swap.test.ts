// One session's recording swapped for another's on disk (the .cast and its sidecar, both genuinely
// sealed by this jitgate) is not that session's recording: the API, the auditor's session page and
// `jitgate recordings verify` all say it does not verify, and why. A checksum alone holds (the
// pair matches itself); only the id it was sealed for and the checksum stored at the session's
// end tell. Against the demo's real sshd.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { digestOf } from '../../../recorder/asciicast/digest.js';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { runCli } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { aliceOnProdShell, endedRow, TerminalClient, terminalUrl } from '../../support/terminal.js';
import { call } from '../access/api-client.js';

let demo: TestDemo;
let carol: TestBrowser;
let token = '';

before(async () => {
  demo = await startTestDemo();
  assert.ok(demo.sshTarget, 'the demo runs its sshd (openssh-server; see .ci/run)');
  carol = await demo.login('carol');
  ({ token } = await aliceOnProdShell(demo));
});
after(() => demo.stop());

/** A recorded session that prints `text` and exits; its id once its row has ended. */
async function session(text: string): Promise<string> {
  const client = await TerminalClient.connect(
    terminalUrl(demo.url, 'prod-shell', { login: 'deploy' }),
    { authorization: `Bearer ${token}` },
  );
  await client.until(() => client.messages.some((m) => m.type === 'ready'), 'ready');
  const id = String(client.messages.find((m) => m.type === 'ready')?.session);
  client.send(`echo ${text}-$((6*7))\r`);
  await client.waitFor(`${text}-42`);
  client.send('exit\r');
  await client.ended();
  await endedRow(() => demo.jitgate.store.terminalSessions.get(id));
  return id;
}

/** What the API, the portal page and the CLI say of recording `id`. */
async function verdicts(id: string) {
  const api = await call(carol, demo.url, 'GET', `/api/v1/sessions/${id}`);
  assert.equal(api.status, 200);
  const page = await carol.navigate(`${demo.url}/sessions/${id}`);
  const cli = await runCli(['recordings', 'verify', id, '--state-dir', demo.stateDir]);
  return {
    api: api.json.verification as { ok: boolean; reason?: string; detail?: string },
    portal: /id="verification"[^>]*>([^<]*)</.exec(page.body)?.[1]?.replace(/\s+/g, ' ').trim(),
    cli: { code: cli.code, out: cli.stdout.trim() },
  };
}

void describe('a recording swapped for another session’s', () => {
  it('does not verify anywhere, and each says it was sealed for the other session', async () => {
    const a = await session('rm-rf-payroll');
    const b = await session('harmless-ls');
    const before = await verdicts(a);
    assert.equal(before.api.ok, true, JSON.stringify(before.api));
    assert.equal(before.portal, 'checksum and signature verify');
    assert.equal(before.cli.code, 0, before.cli.out);

    const storage = demo.jitgate.terminals.storage;
    copyFileSync(storage.pathOf(b), storage.pathOf(a));
    copyFileSync(`${storage.pathOf(b)}.sig.json`, `${storage.pathOf(a)}.sig.json`);
    const after = await verdicts(a);
    assert.deepEqual(after.api, {
      ok: false,
      reason: 'recording_mismatch',
      detail: `sealed for ${b}`,
    });
    assert.equal(after.portal, `does NOT verify: recording_mismatch (sealed for ${b})`);
    assert.deepEqual(after.cli, {
      code: 4,
      out: `FAILED: ${a}.cast: recording_mismatch (sealed for ${b})`,
    });
  });

  it('does not verify once its sidecar names it again: the stored checksum tells', async () => {
    // Someone who could also edit the sidecar's id breaks its signature; this proves the row's
    // checksum is compared even when everything in the sidecar is A's (here, a sidecar the proxy
    // signed for A over B's content, as a re-seal by jitgate itself would be).
    const a = await session('drop-table');
    const b = await session('select-1');
    const storage = demo.jitgate.terminals.storage;
    const row = await demo.jitgate.store.terminalSessions.get(a);
    copyFileSync(storage.pathOf(b), storage.pathOf(a));
    const content = readFileSync(storage.pathOf(a));
    const digest = digestOf(content);
    await storage.seal(a, digest.sha256, digest.bytes, false);
    const after = await verdicts(a);
    assert.deepEqual(after.api, {
      ok: false,
      reason: 'stored_checksum_mismatch',
      detail: `sha256 ${digest.sha256}, stored at the session's end as ${row?.checksum}`,
    });
    assert.match(after.portal ?? '', /^does NOT verify: stored_checksum_mismatch/);
    assert.equal(after.cli.code, 4);
    assert.match(after.cli.out, /stored_checksum_mismatch/);
    // And the untouched B still verifies.
    assert.equal((await verdicts(b)).api.ok, true);
  });
});
