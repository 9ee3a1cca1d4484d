/**
 * `npx jitgate login` as the README prints it, in Chromium, from a fresh browser: the CLI's
 * default URL (PORT set, no --url) and an explicit 127.0.0.1 URL both reach the portal where the
 * person signs in (chooser, IdP, second factor), come back to the CLI's consent page, and leave
 * a token that the next command, run the same way, finds.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_IDPS } from '../../proxy/demo/demo-config.js';
import { completeMfaInBrowser } from '../support/browser-mfa.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';

/** `jitgate login --no-browser [args]`; resolves the URL it prints and, later, how it ended. */
function startCliLogin(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/jitgate.mjs', 'login', '--no-browser', ...args], {
    env: { ...process.env, JITGATE_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const authorizeUrl = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /(http\S+\/cli\/authorize\?\S+)/.exec(stderr)?.[1];
      if (url) resolve(url);
    });
    child.on('close', () => reject(new Error(`the CLI ended before printing a URL: ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { authorizeUrl, done };
}

void describe('npx jitgate login, as the README prints it', () => {
  let demo: TestDemo;
  let chromium: TestChromium;
  const contexts: BrowserContext[] = [];
  const homes: string[] = [];

  before(async () => {
    demo = await startTestDemo();
    chromium = await launchChromium();
    await demo.login('alice'); // alice has her authenticator from here on
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await chromium?.close();
    await demo?.stop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  async function freshPage(): Promise<Page> {
    const context = await chromium.context.browser()?.newContext();
    if (!context) throw new Error('this Playwright gives no browser for a new context');
    contexts.push(context);
    return context.newPage();
  }

  async function loginThroughBrowser(args: string[], env: Record<string, string>) {
    const run = startCliLogin(args, env);
    const page = await freshPage();
    await page.goto(await run.authorizeUrl);
    await page.getByRole('link', { name: `Sign in with ${DEMO_IDPS.demo.name}` }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await completeMfaInBrowser(page, demo.authenticator('alice'));
    await page.getByRole('heading', { name: 'Allow the jitgate CLI?' }).waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByText('jitgate CLI: signed in').waitFor();
    const { code, stderr } = await run.done;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /signed in as demo:alice/);
  }

  // [how the login is run, how the next command is run]
  for (const [login, next] of [
    [[], []],
    [
      ['--url', 'http://127.0.0.1:PORT'],
      ['--url', 'http://127.0.0.1:PORT'],
    ],
    [['--url', 'http://localhost:PORT'], []],
  ] as [string[], string[]][]) {
    const shown = (args: string[]) => (args.length ? args.join(' ') : 'the default URL');
    void it(`signs in with ${shown(login)}; a next command with ${shown(next)} finds the token`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'jitgate-cli-home-'));
      homes.push(home);
      const env = { PORT: String(demo.port), XDG_CONFIG_HOME: home };
      const withPort = (args: string[]) => args.map((a) => a.replace('PORT', String(demo.port)));
      await loginThroughBrowser(withPort(login), env);
      const listing = await runCli(['resources', '--json', ...withPort(next)], env);
      assert.equal(listing.code, 0, listing.stderr);
      const ids = (JSON.parse(listing.stdout) as { id: string }[]).map((r) => r.id);
      assert.ok(ids.includes('payroll'), ids.join(','));
    });
  }
});
