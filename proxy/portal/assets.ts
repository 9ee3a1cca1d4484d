/**
 * The portal's one script, served by jitgate itself so the CSP can stay `script-src 'self'`.
 * A `tsc` build (dist/) copies no .js assets, so it is found in the source tree that ships with
 * the package when it is not beside this file.
 */
import type express from 'express';
import { assetBundle, ownAsset } from './asset-bundle.js';

const bundle = assetBundle('', { 'portal.js': () => ownAsset('portal.js') });

/** The URL pages put in their <script src>. */
export const scriptUrl = () => bundle.url('portal.js');

export const assetRoutes = (): express.Router => bundle.routes();
