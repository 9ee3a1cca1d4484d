/**
 * Scripts of the passkey pages: the published UMD bundle of @simplewebauthn/browser straight
 * from node_modules, and jitgate's own small webauthn.js from assets/.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type express from 'express';
import type { SafeHtml } from '../shared/html.js';
import { assetBundle, ownAsset } from './asset-bundle.js';

const require = createRequire(import.meta.url);

const bundle = assetBundle('webauthn', {
  // The package exports only its modules; the bundle sits beside them (dist/bundle/).
  'simplewebauthn-browser.js': () =>
    join(dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'),
  'webauthn.js': () => ownAsset('webauthn.js'),
});

/** The `<script>` tags of a passkey page: the library, then jitgate's ceremony script. */
export const webauthnScripts = (): SafeHtml =>
  bundle.tags(['simplewebauthn-browser.js', 'webauthn.js']);

export const webauthnAssetRoutes = (): express.Router => bundle.routes();
