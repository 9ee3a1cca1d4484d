// `jitgate login` waits on a loopback port that any local process can reach. A request there
// without the login's state (a port scan, another user's process) is answered 400 and ignored:
// it does not end the wait, and the person's own answer still signs the CLI in.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { formFields, startCliLogin } from '../../support/cli-login.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { formAction, type TestBrowser } from '../../support/http-client.js';

let demo: TestDemo;
let alice: TestBrowser;
let home = '';
before(async () => {
  demo = await startTestDemo();
  alice = await demo.login('alice');
  home = mkdtempSync(join(tmpdir(), 'jitgate-cli-callback-'));
});
after(async () => {
  await demo.stop();
  rmSync(home, { recursive: true, force: true });
});

void describe('jitgate login, its loopback callback', () => {
  void it('ignores a callback without its state, then signs in with the real one', async () => {
    const run = startCliLogin(demo.url, home);
    const authorizeUrl = await run.authorizeUrl;
    const callback = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri') ?? '');
    for (const query of ['state=guessed&code=attacker', 'error=access_denied', 'code=x']) {
      const stray = await fetch(`${callback.origin}/callback?${query}`);
      assert.equal(stray.status, 400, query);
    }
    const consent = await alice.navigate(authorizeUrl);
    await alice.postForm(formAction(consent), formFields(consent.body, 'allow'));
    const { code, stderr } = await run.done;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /signed in as demo:alice/);
  });
});
