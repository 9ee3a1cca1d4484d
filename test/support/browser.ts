/**
 * One headless Debian Chromium per test file, driven by Playwright (which downloads no browser
 * here). A persistent context is what lets later suites load the extension unpacked.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const found = process.env.CHROMIUM_PATH ?? CANDIDATES.find((path) => existsSync(path));
  if (!found)
    throw new Error(
      'Chromium not found: install Debian chromium (see .ci/run) or set CHROMIUM_PATH',
    );
  return found;
}

export interface TestChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(
  options: { extensionDir?: string } = {},
): Promise<TestChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'jitgate-chromium-'));
  const extension = options.extensionDir
    ? [
        `--disable-extensions-except=${options.extensionDir}`,
        `--load-extension=${options.extensionDir}`,
      ]
    : [];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extension,
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
