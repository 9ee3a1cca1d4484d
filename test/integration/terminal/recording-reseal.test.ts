// Crash recovery seals only what a crash cut short. A session that ended normally, whose sealed
// recording was then edited (lines cut out), its sidecar deleted and an `.open` marker dropped
// beside it, is not "recovered" at the next start: nothing is signed, its row keeps the state and
// checksum stored at its end, the operator is told in the log, and the API, the session page and
// `jitgate recordings verify` say it does not verify. Against the demo's real sshd.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from '../../support/guarded-test.js';
import { createLogger } from '../../../proxy/shared/logger.js';
import { runCli } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { endedRow, TerminalClient, terminalUrl } from '../../support/terminal.js';
import { call } from '../access/api-client.js';
import { cutAndReopen } from '../../support/recording-tamper.js';

const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-reseal-'));
const logs: Record<string, unknown>[] = [];
const log = createLogger({
  write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
});
let demo: TestDemo | undefined;
after(async () => {
  await demo?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A recorded session that printed `fine` and then `EVIL`, ended by `exit`; its id. */
async function sessionThatEnded(running: TestDemo): Promise<string> {
  const alice = await running.login('alice');
  const token = String((await call(alice, running.url, 'POST', '/api/v1/tokens', {})).json.token);
  await running.jitgate.grants.grant({
    user: 'alice',
    resource: 'prod-shell',
    durationMs: 30 * 60_000,
    actor: 'test',
  });
  const client = await TerminalClient.connect(
    terminalUrl(running.url, 'prod-shell', { login: 'deploy' }),
    { authorization: `Bearer ${token}` },
  );
  await client.until(() => client.messages.some((m) => m.type === 'ready'), 'ready');
  const id = String(client.messages.find((m) => m.type === 'ready')?.session);
  client.send('echo fine-$((6*7))\r');
  await client.waitFor('fine-42');
  client.send('echo EVIL-$((6*7))\r');
  await client.waitFor('EVIL-42');
  client.send('exit\r');
  await client.ended();
  await endedRow(() => running.jitgate.store.terminalSessions.get(id));
  return id;
}

void describe('crash recovery and a session that had ended', () => {
  it('does not re-sign its edited recording; everything says it does not verify', async () => {
    demo = await startTestDemo({ stateDir, log });
    const id = await sessionThatEnded(demo);
    const before = await demo.jitgate.store.terminalSessions.get(id);
    assert.equal(before?.recordingState, 'complete');
    const path = demo.jitgate.terminals.storage.pathOf(id);
    await demo.stop();
    demo = undefined;

    const edited = cutAndReopen(path, 'EVIL', JSON.stringify({ id, startedAt: Date.now() }));

    demo = await startTestDemo({ stateDir, log });
    assert.equal(readFileSync(path, 'utf8'), edited, 'the file is left as it was found');
    assert.ok(!existsSync(`${path}.sig.json`), 'nothing is signed');
    assert.ok(!existsSync(`${path}.open`), 'the marker is gone, so the next start asks no more');
    assert.deepEqual(
      await demo.jitgate.store.terminalSessions.get(id),
      before,
      'the row keeps what was stored at the session’s end',
    );
    const told = logs.find((entry) => entry.level === 'error' && entry.recording === id);
    assert.ok(told, 'the operator is told');
    assert.equal(told.sha256, before?.checksum);

    const carol = await demo.login('carol');
    const api = await call(carol, demo.url, 'GET', `/api/v1/sessions/${id}`);
    assert.deepEqual(api.json.verification, {
      ok: false,
      reason: 'malformed_signature',
      detail: 'no signature',
    });
    const page = await carol.navigate(`${demo.url}/sessions/${id}`);
    assert.match(page.body, /id="verification"[^>]*>\s*does NOT verify: malformed_signature/);
    const cli = await runCli(['recordings', 'verify', id, '--state-dir', stateDir]);
    assert.notEqual(cli.code, 0, cli.stdout);
    assert.match(cli.stderr, /no valid signature file/);
  });
});
