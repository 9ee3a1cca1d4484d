/**
 * Static files jitgate serves itself (so page CSPs stay `'self'`): library bundles from
 * node_modules and jitgate's own scripts from assets/. Every URL carries a content hash, so
 * browsers may keep a file for a year yet never run a stale copy after an upgrade; without the
 * hash the answer is revalidated by ETag.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { html, type SafeHtml } from '../shared/html.js';

interface Asset {
  body: Buffer;
  hash: string;
  type: string;
}

/** A file of proxy/portal/assets/, from the sources (tsx) or beside the compiled portal. */
export const ownAsset = (name: string) =>
  [`./assets/${name}`, `../../../proxy/portal/assets/${name}`]
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((path) => existsSync(path)) ?? '';

export interface AssetBundle {
  url(name: string): string;
  /** `<link>` and `<script defer>` tags for the named files, in order. */
  tags(names: readonly string[]): SafeHtml;
  /** The route serving `/assets/<prefix>/:name`; loads every file now, so a missing one fails start-up. */
  routes(): express.Router;
}

/** `files` maps URL names to functions that find the file on disk; prefix '' serves /assets/. */
export function assetBundle(prefix: string, files: Record<string, () => string>): AssetBundle {
  const loaded = new Map<string, Asset>();
  const asset = (name: string): Asset => {
    let found = loaded.get(name);
    if (found) return found;
    const path = files[name]?.();
    if (!path || !existsSync(path)) throw new Error(`${prefix} asset ${name} not found`);
    const body = readFileSync(path);
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    const type = name.endsWith('.css') ? 'text/css' : 'text/javascript';
    found = { body, hash, type: `${type}; charset=utf-8` };
    loaded.set(name, found);
    return found;
  };
  const base = prefix === '' ? '/assets' : `/assets/${prefix}`;
  const url = (name: string) => `${base}/${name}?v=${asset(name).hash}`;

  return {
    url,
    tags: (names) =>
      html`${names.map((name) =>
        name.endsWith('.css')
          ? html`<link rel="stylesheet" href="${url(name)}" />`
          : html`<script src="${url(name)}" defer></script>`,
      )}`,
    routes() {
      for (const name of Object.keys(files)) asset(name);
      const router = express.Router();
      router.get(`${base}/:name`, (req, res, next) => {
        const name = req.params.name;
        if (typeof name !== 'string' || !Object.hasOwn(files, name)) return next();
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
    },
  };
}
