/**
 * Scripts and styles of the terminal, live view and playback pages, served by jitgate itself so
 * the CSP stays `'self'`: xterm.js and asciinema-player straight from node_modules (their
 * published bundles), and jitgate's own small scripts from assets/. Each URL carries a content
 * hash, so browsers may keep them for a year and never run a stale copy after an upgrade.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { html, type SafeHtml } from '../shared/html.js';

const require = createRequire(import.meta.url);

const own = (name: string) =>
  [`./assets/${name}`, `../../../proxy/portal/assets/${name}`]
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((path) => existsSync(path)) ?? '';

/** URL name → file. */
const FILES: Record<string, () => string> = {
  'xterm.js': () => require.resolve('@xterm/xterm/lib/xterm.js'),
  'xterm.css': () => require.resolve('@xterm/xterm/css/xterm.css'),
  'addon-fit.js': () => require.resolve('@xterm/addon-fit/lib/addon-fit.js'),
  'asciinema-player.js': () =>
    require.resolve('asciinema-player/dist/bundle/asciinema-player.min.js'),
  'asciinema-player.css': () =>
    require.resolve('asciinema-player/dist/bundle/asciinema-player.css'),
  'terminal.js': () => own('terminal.js'),
  'playback.js': () => own('playback.js'),
};

interface Asset {
  body: Buffer;
  hash: string;
  type: string;
}

const assets = new Map<string, Asset>();

function asset(name: string): Asset {
  let found = assets.get(name);
  if (found) return found;
  const path = FILES[name]?.();
  if (!path || !existsSync(path)) throw new Error(`terminal asset ${name} not found`);
  const body = readFileSync(path);
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  const type = name.endsWith('.css') ? 'text/css' : 'text/javascript';
  found = { body, hash, type: `${type}; charset=utf-8` };
  assets.set(name, found);
  return found;
}

export const assetUrl = (name: string) => `/assets/terminal/${name}?v=${asset(name).hash}`;

/** `<link>` and `<script>` tags for a page, in order. */
export function assetTags(names: readonly string[]): SafeHtml {
  return html`${names.map((name) =>
    name.endsWith('.css')
      ? html`<link rel="stylesheet" href="${assetUrl(name)}" />`
      : html`<script src="${assetUrl(name)}" defer></script>`,
  )}`;
}

/** The terminal and live view: scripts from here, styles from here and inline (xterm sets some). */
export const TERMINAL_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** asciinema-player compiles its WebAssembly terminal at run time. */
export const PLAYBACK_CSP = TERMINAL_CSP.replace(
  "script-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
);

export function terminalAssetRoutes(): express.Router {
  for (const name of Object.keys(FILES)) asset(name); // fail at start-up, not on first view
  const router = express.Router();
  router.get('/assets/terminal/:name', (req, res, next) => {
    const name = req.params.name;
    if (!Object.hasOwn(FILES, name)) return next();
    const { body, hash, type } = asset(name);
    const etag = `"${hash}"`;
    res
      .setHeader('content-type', type)
      .setHeader('etag', etag)
      .setHeader(
        'cache-control',
        req.query.v === hash ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.send(body);
  });
  return router;
}
