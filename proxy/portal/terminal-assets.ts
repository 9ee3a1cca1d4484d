/**
 * Scripts and styles of the terminal, live view and playback pages, served by jitgate itself so
 * the CSP stays `'self'`: xterm.js and asciinema-player straight from node_modules (their
 * published bundles), and jitgate's own small scripts from assets/. Each URL carries a content
 * hash, so browsers may keep them for a year and never run a stale copy after an upgrade.
 */
import { createRequire } from 'node:module';
import type express from 'express';
import type { SafeHtml } from '../shared/html.js';
import { assetBundle, ownAsset } from './asset-bundle.js';

const require = createRequire(import.meta.url);

const bundle = assetBundle('terminal', {
  'xterm.js': () => require.resolve('@xterm/xterm/lib/xterm.js'),
  'xterm.css': () => require.resolve('@xterm/xterm/css/xterm.css'),
  'addon-fit.js': () => require.resolve('@xterm/addon-fit/lib/addon-fit.js'),
  'asciinema-player.js': () =>
    require.resolve('asciinema-player/dist/bundle/asciinema-player.min.js'),
  'asciinema-player.css': () =>
    require.resolve('asciinema-player/dist/bundle/asciinema-player.css'),
  'terminal.js': () => ownAsset('terminal.js'),
  'playback.js': () => ownAsset('playback.js'),
});

export const assetUrl = (name: string) => bundle.url(name);

/** `<link>` and `<script>` tags for a page, in order. */
export const assetTags = (names: readonly string[]): SafeHtml => bundle.tags(names);

/** The terminal and live view: scripts from here, styles from here and inline (xterm sets some). */
export const TERMINAL_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** asciinema-player compiles its WebAssembly terminal at run time. */
export const PLAYBACK_CSP = TERMINAL_CSP.replace(
  "script-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
);

export const terminalAssetRoutes = (): express.Router => bundle.routes();
