/**
 * `jitgate login` for people: the CLI listens on a loopback port and prints the /cli/authorize
 * URL; the signed-in person allows it in the browser; the CLI redeems the one-time code with its
 * PKCE verifier and keeps the token in a 0600 file that later commands use. Denying leaves the
 * CLI signed out.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { demoBanner } from '../../../proxy/demo/banner.js';
import { runCli } from '../../support/cli.js';
import { formFields, startCliLogin } from '../../support/cli-login.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { formAction, type TestBrowser } from '../../support/http-client.js';

/** The CLI with the saved credentials of `configHome`, `input` typed once the remote answers. */
function typedInto(
  args: string[],
  configHome: string,
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/jitgate.mjs', ...args], {
      env: { ...process.env, JITGATE_FROM_SOURCE: '1', XDG_CONFIG_HOME: configHome },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (input) {
        child.stdin.write(input);
        input = '';
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

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

  // The banner's people path, word for word: `npx jitgate login …` then `npx jitgate ssh
  // prod-shell …`. The one addition is --no-browser: there is no browser here to open, so the
  // test's signed-in browser follows the printed link instead (the same consent page).
  void it('the path the demo banner prints: login, then ssh prod-shell with the saved token', async () => {
    if (!demo.sshTarget) assert.fail('the demo runs its sshd (openssh-server must be installed)');
    const home = mkdtempSync(join(tmpdir(), 'jitgate-cli-home-'));
    try {
      const printed = /npx jitgate login(.*?) then npx jitgate ssh (.*?)\)/.exec(demoBanner(demo));
      assert.ok(printed, 'the banner prints the login and ssh commands');
      const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);
      const run = startCliLogin(demo.url, home, words(printed[1] ?? ''));
      const consent = await alice.navigate(await run.authorizeUrl);
      await alice.postForm(formAction(consent), formFields(consent.body, 'allow'));
      const signedIn = await run.done;
      assert.equal(signedIn.code, 0, signedIn.stderr);

      await demo.jitgate.grants.grant({
        user: 'alice',
        resource: 'prod-shell',
        durationMs: 30 * 60_000,
        actor: 'test',
      });
      const ssh = await typedInto(
        ['ssh', ...words(printed[2] ?? '')],
        home,
        'echo path-$((40+2))\rexit\r',
      );
      assert.equal(ssh.code, 0, ssh.stderr);
      assert.match(ssh.stdout, /path-42/);
      assert.match(ssh.stderr, /prod-shell as deploy, recorded/);

      // `jitgate logout` (docs/cli.md) ends the saved token: the next command is signed out.
      const out = await runCli(['logout', '--url', demo.url], { XDG_CONFIG_HOME: home });
      assert.equal(out.code, 0, out.stderr);
      const after = await runCli(['resources', '--url', demo.url], { XDG_CONFIG_HOME: home });
      assert.equal(after.code, 5, after.stderr);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
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
