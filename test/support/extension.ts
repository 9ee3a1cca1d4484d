/**
 * The built extension in Chromium for end-to-end tests: a build for this test's jitgate (its
 * origin, and the demo app's origin granted at install, since Playwright cannot answer Chrome's
 * permission prompt), one Chromium with it loaded, the extension id read from its service
 * worker's URL, and helpers to look into the worker (its session rules).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { buildExtension } from '../../scripts/build-extension.js';
import { launchChromium, type TestChromium } from './browser.js';

export interface ExtensionChromium extends TestChromium {
  id: string;
  worker(): Promise<Worker>;
  url(path: string): string;
  /** The worker's declarativeNetRequest session rules (what it carries right now). */
  sessionRules(): Promise<{ id: number; condition: Record<string, unknown> }[]>;
  /** Where the worker has registered the app content script to run (match patterns). */
  appScriptMatches(): Promise<string[]>;
  /** Writes the popup's snapshot again, newer: what any event from the proxy does. */
  rewriteSnapshot(): Promise<void>;
}

export async function launchWithExtension(options: {
  jitgateOrigin: string;
  appOrigins: string[];
}): Promise<ExtensionChromium> {
  const outDir = join(mkdtempSync(join(tmpdir(), 'jitgate-extension-')), 'extension');
  const built = await buildExtension({ outDir, ...options, zip: false });
  const chromium = await launchChromium({ extensionDir: built.dir });
  const worker = async () =>
    chromium.context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await chromium.context.waitForEvent('serviceworker'));
  const id = new URL((await worker()).url()).host;
  return {
    ...chromium,
    id,
    worker,
    url: (path) => `chrome-extension://${id}/${path}`,
    sessionRules: async () =>
      (await worker()).evaluate(() =>
        (
          globalThis as unknown as {
            chrome: { declarativeNetRequest: { getSessionRules(): Promise<never[]> } };
          }
        ).chrome.declarativeNetRequest.getSessionRules(),
      ),
    appScriptMatches: async () =>
      (await worker()).evaluate(async () => {
        const { scripting } = (
          globalThis as unknown as {
            chrome: {
              scripting: { getRegisteredContentScripts(): Promise<{ matches?: string[] }[]> };
            };
          }
        ).chrome;
        return (await scripting.getRegisteredContentScripts()).flatMap((s) => s.matches ?? []);
      }),
    rewriteSnapshot: async () =>
      (await worker()).evaluate(async () => {
        const { session } = (
          globalThis as unknown as {
            chrome: {
              storage: {
                session: {
                  get(key: string): Promise<Record<string, object>>;
                  set(items: Record<string, object>): Promise<void>;
                };
              };
            };
          }
        ).chrome.storage;
        const { snapshot } = await session.get('snapshot');
        await session.set({ snapshot: { ...snapshot, updatedAt: Date.now() } });
      }),
    async close() {
      await chromium.close();
      rmSync(join(outDir, '..'), { recursive: true, force: true });
    },
  };
}
