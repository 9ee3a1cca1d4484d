/**
 * The connect page's address must survive the portal's login: a person who is not signed in is
 * sent through /auth/login?rd=…, and the login only returns to addresses its redirect check
 * accepts unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectUrl } from '../../../extension/shared/connect-url.js';
import { checkRedirect } from '../../../proxy/identity/redirect.js';

const PORTAL = 'http://localhost:8080';

void describe('connect page address', () => {
  for (const redirectUri of [
    `chrome-extension://${'a'.repeat(32)}/callback.html`,
    'moz-extension://0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f/callback.html',
  ]) {
    it(`comes back from the login unchanged (${redirectUri.split(':')[0]})`, () => {
      const url = new URL(
        connectUrl(PORTAL, { redirectUri, state: 'st4te_-x', challenge: 'A'.repeat(43) }),
      );
      assert.equal(url.searchParams.get('redirect_uri'), redirectUri);
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      const path = url.pathname + url.search;
      const policy = { portalOrigin: PORTAL, isAppOrigin: () => false };
      assert.equal(checkRedirect(path, policy), path);
    });
  }
});
