// `jitgate logout` revokes the saved token, then forgets it (docs/cli.md). When jitgate cannot
// revoke it (not reachable, failing), the token stays valid until it expires: logout says so,
// keeps it saved so that a later logout can still revoke it, and exits 3. A token jitgate no
// longer knows (revoked, expired) is simply forgotten.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { loadLogin, saveLogin } from '../../../proxy/cli/credentials-file.js';
import { runCli } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { closedPort } from '../../support/closed-port.js';

const LOGIN = { token: 'jgt_saved', user: 'demo:alice', expiresAt: '2999-01-01T00:00:00.000Z' };

let demo: TestDemo;
let home = '';
before(async () => {
  demo = await startTestDemo();
  home = mkdtempSync(join(tmpdir(), 'jitgate-logout-'));
});
after(async () => {
  await demo.stop();
  rmSync(home, { recursive: true, force: true });
});

void describe('jitgate logout', () => {
  void it('keeps a token it could not revoke, says so, and exits 3', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    saveLogin(url, LOGIN, { XDG_CONFIG_HOME: home });
    const run = await runCli(['logout', '--url', url], { XDG_CONFIG_HOME: home });
    assert.equal(run.code, 3, run.stderr);
    assert.doesNotMatch(run.stderr, /logged out/);
    assert.match(run.stderr, /not revoked/);
    assert.match(run.stderr, /valid until 2999-01-01T00:00:00.000Z/);
    assert.deepEqual(loadLogin(url, { XDG_CONFIG_HOME: home }), LOGIN, 'kept for a retry');
  });

  void it('forgets a token jitgate no longer knows', async () => {
    saveLogin(demo.url, LOGIN, { XDG_CONFIG_HOME: home });
    const run = await runCli(['logout', '--url', demo.url], { XDG_CONFIG_HOME: home });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /logged out of/);
    assert.equal(loadLogin(demo.url, { XDG_CONFIG_HOME: home }), undefined);
  });
});
