/**
 * Builds the browser extension into dist/extension/ (loadable unpacked in Chromium) and packs it
 * as dist/jitgate-extension-chrome.zip and dist/jitgate-extension-firefox.zip. One manifest
 * serves both browsers: Chrome runs `background.service_worker` and ignores `scripts` and
 * `browser_specific_settings`; Firefox runs `background.scripts` as an event page. esbuild
 * bundles each context (worker, popup, options, callback, content script) into one file.
 *
 *   npm run build:extension
 *   JITGATE_EXTENSION_ORIGIN=https://access.example.com   the jitgate origin (default
 *     http://localhost:8080): its host permission and the only site that may open callback.html
 *   JITGATE_EXTENSION_APPS=https://payroll.example.com,…  app origins to grant at install
 *     (managed deployments, and tests: Playwright cannot answer Chrome's permission prompt);
 *     others stay optional host permissions the popup asks for at run time
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, crc32 } from 'node:zlib';
import { build } from 'esbuild';
import { zipDirectory } from './zip.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_ORIGIN = 'http://localhost:8080';

export interface BuildOptions {
  outDir?: string;
  jitgateOrigin?: string;
  appOrigins?: string[];
  zip?: boolean;
}

type Manifest = Record<string, unknown> & { host_permissions: string[] };

/** "http://localhost:8080" → "http://localhost/*" (match patterns carry no port). */
export function patternOf(origin: string): string {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`not http(s): ${origin}`);
  return `${url.protocol}//${url.hostname}/*`;
}

function manifestFor(jitgateOrigin: string, appOrigins: string[]): Manifest {
  const base = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as Manifest;
  const jitgate = patternOf(jitgateOrigin);
  return {
    ...base,
    host_permissions: [...new Set([jitgate, ...appOrigins.map(patternOf)])],
    web_accessible_resources: [{ resources: ['callback.html'], matches: [jitgate] }],
  };
}

/** The toolbar and notification icon: a plain blue square with a white bar, drawn here. */
function iconPng(size = 128): Buffer {
  const row = (y: number) => {
    const pixels = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const bar = x > size * 0.42 && x < size * 0.58 && y > size * 0.2 && y < size * 0.8;
      pixels.set(bar ? [255, 255, 255, 255] : [36, 86, 211, 255], 1 + x * 4);
    }
    return pixels;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const image = deflateSync(Buffer.concat(Array.from({ length: size }, (_, y) => row(y))));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', image),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ENTRIES = {
  background: 'extension/background/main.background.ts',
  popup: 'extension/popup/popup.ts',
  options: 'extension/options/options.ts',
  callback: 'extension/callback/callback.ts',
  'app.content': 'extension/content/app.content.ts',
};
const STATIC = [
  'popup/popup.html',
  'popup/popup.css',
  'options/options.html',
  'callback/callback.html',
];

/** Builds the extension; returns its folder and the packages. */
export async function buildExtension(options: BuildOptions = {}) {
  const outDir = resolve(options.outDir ?? join(ROOT, 'dist/extension'));
  const jitgateOrigin =
    options.jitgateOrigin ?? process.env.JITGATE_EXTENSION_ORIGIN ?? DEFAULT_ORIGIN;
  const appOrigins =
    options.appOrigins ?? (process.env.JITGATE_EXTENSION_APPS ?? '').split(',').filter(Boolean);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: outDir,
    bundle: true,
    format: 'iife',
    target: ['chrome120', 'firefox140'],
    logLevel: 'warning',
  });
  for (const file of STATIC)
    cpSync(join(ROOT, 'extension', file), join(outDir, file.split('/')[1] ?? file));
  writeFileSync(join(outDir, 'icon-128.png'), iconPng());
  const manifest = manifestFor(jitgateOrigin, appOrigins);
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const packages = [
    join(dirname(outDir), 'jitgate-extension-chrome.zip'),
    join(dirname(outDir), 'jitgate-extension-firefox.zip'),
  ];
  if (options.zip ?? true) for (const file of packages) zipDirectory(outDir, file);
  return { dir: outDir, packages: (options.zip ?? true) ? packages : [] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { dir, packages } = await buildExtension();
  console.log(`extension built in ${dir}; packages: ${packages.join(', ')}`);
}
