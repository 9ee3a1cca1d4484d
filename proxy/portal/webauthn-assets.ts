/**
 * Scripts of the passkey pages, served by jitgate itself so the CSP stays `script-src 'self'`:
 * the published UMD bundle of @simplewebauthn/browser straight from node_modules, and jitgate's
 * own small webauthn.js from assets/. URLs carry a content hash, like the other assets.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { html, type SafeHtml } from '../shared/html.js';

const require = createRequire(import.meta.url);

const FILES: Record<string, () => string> = {
  // The package exports only its modules; the bundle sits beside them (dist/bundle/).
  'simplewebauthn-browser.js': () =>
    join(dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'),
  'webauthn.js': () =>
    ['./assets/webauthn.js', '../../../proxy/portal/assets/webauthn.js']
      .map((path) => fileURLToPath(new URL(path, import.meta.url)))
      .find((path) => existsSync(path)) ?? '',
};

interface Asset {
  body: Buffer;
  hash: string;
}

const assets = new Map<string, Asset>();

function asset(name: string): Asset {
  let found = assets.get(name);
  if (found) return found;
  const path = FILES[name]?.();
  if (!path || !existsSync(path)) throw new Error(`webauthn asset ${name} not found`);
  const body = readFileSync(path);
  found = { body, hash: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
  assets.set(name, found);
  return found;
}

const urlOf = (name: string) => `/assets/webauthn/${name}?v=${asset(name).hash}`;

/** The `<script>` tags of a passkey page: the library, then jitgate's ceremony script. */
export const webauthnScripts = (): SafeHtml =>
  html`<script src="${urlOf('simplewebauthn-browser.js')}" defer></script>
    <script src="${urlOf('webauthn.js')}" defer></script>`;

export function webauthnAssetRoutes(): express.Router {
  for (const name of Object.keys(FILES)) asset(name); // fail at start-up, not on first view
  const router = express.Router();
  router.get('/assets/webauthn/:name', (req, res, next) => {
    const name = req.params.name;
    if (!Object.hasOwn(FILES, name)) return next();
    const { body, hash } = asset(name);
    const etag = `"${hash}"`;
    res
      .setHeader('content-type', 'text/javascript; charset=utf-8')
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
