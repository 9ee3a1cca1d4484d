/**
 * The portal's one script, served by jitgate itself so the CSP can stay `script-src 'self'`.
 * Pages link it with a content hash in the query, so browsers may keep it for a year and still
 * never run a stale copy after an upgrade; other URLs of it revalidate by ETag.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';

// From source the script sits beside this file; a `tsc` build (dist/) copies no .js assets, so
// fall back to the source tree that ships with the package.
const CANDIDATES = ['./assets/portal.js', '../../../proxy/portal/assets/portal.js'].map((path) =>
  fileURLToPath(new URL(path, import.meta.url)),
);

interface Asset {
  body: Buffer;
  hash: string;
}

let loaded: Asset | undefined;

function asset(): Asset {
  if (loaded) return loaded;
  const path = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!path) throw new Error(`portal script not found (looked at ${CANDIDATES.join(', ')})`);
  const body = readFileSync(path);
  loaded = { body, hash: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
  return loaded;
}

export const SCRIPT_PATH = '/assets/portal.js';

/** The URL pages put in their <script src>. */
export const scriptUrl = () => `${SCRIPT_PATH}?v=${asset().hash}`;

export function assetRoutes(): express.Router {
  const { body, hash } = asset(); // fail at start-up, not at the first page view
  const router = express.Router();
  router.get(SCRIPT_PATH, (req, res) => {
    const etag = `"${hash}"`;
    const versioned = req.query.v === hash;
    res
      .setHeader('content-type', 'text/javascript; charset=utf-8')
      .setHeader('etag', etag)
      .setHeader('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.send(body);
  });
  return router;
}
