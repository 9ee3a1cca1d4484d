/**
 * `jitgate login` for people: the CLI listens on a loopback port and prints the /cli/authorize
 * URL; the signed-in person allows it in the browser; the CLI redeems the one-time code with its
 * PKCE verifier and keeps the token in a 0600 file that later commands use. Denying leaves the
 * CLI signed out.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../support/cli.js';
import { formFields, startCliLogin } from '../../support/cli-login.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { formAction, type TestBrowser } from '../../support/http-client.js';

void describe('jitgate login (people)', () => {
  let demo: TestDemo;
  let alice: TestBrowser;
  let configHome: string;

  before(async () => {
    demo = await startTestDemo();
    alice = await demo.login('alice');
    configHome = mkdtempSync(join(tmpdir(), 'jitgate-cli-home-'));
  });

  after(async () => {
    await demo?.stop();
    rmSync(configHome, { recursive: true, force: true });
  });

  void it('signs the CLI in after the person allows it, and later commands use the token', async () => {
    const run = startCliLogin(demo.url, configHome);
    const consent = await alice.navigate(await run.authorizeUrl);
    assert.equal(consent.status, 200);
    assert.match(consent.body, /Allow/);
    const back = await alice.postForm(formAction(consent), formFields(consent.body, 'allow'));
    assert.equal(back.status, 200, 'the CLI answered its loopback callback');
    const { code, stderr } = await run.done;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /signed in as demo:alice/);
    const file = join(configHome, 'jitgate', 'credentials.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const listing = await runCli(['resources', '--json', '--url', demo.url], {
      XDG_CONFIG_HOME: configHome,
    });
    assert.equal(listing.code, 0, listing.stderr);
    const ids = (JSON.parse(listing.stdout) as { id: string }[]).map((r) => r.id);
    assert.ok(ids.includes('payroll'), ids.join(','));
  });

  void it('stays signed out when the person denies', async () => {
    const home = mkdtempSync(join(tmpdir(), 'jitgate-cli-home-'));
    try {
      const run = startCliLogin(demo.url, home);
      const consent = await alice.navigate(await run.authorizeUrl);
      await alice.postForm(formAction(consent), formFields(consent.body, 'deny'));
      const { code, stderr } = await run.done;
      assert.notEqual(code, 0);
      assert.doesNotMatch(stderr, /at .*\.ts:\d+/, 'no stack trace');
      const listing = await runCli(['resources', '--url', demo.url], { XDG_CONFIG_HOME: home });
      assert.equal(listing.code, 5, listing.stderr);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
