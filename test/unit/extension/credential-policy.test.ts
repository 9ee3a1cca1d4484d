/**
 * The predicates that decide where a credential may go. Each case that is not exactly right —
 * another scheme, port or host, a frame, a missing field, another extension — must say no.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageSender } from '../../../extension/shared/browser.js';
import {
  appTabIds,
  exactOrigin,
  isAppOpenPage,
  isAppTopFrame,
  isCallbackPage,
  isExtensionPage,
  isOnOrigin,
  mayCarryCredential,
  mayFillLogin,
} from '../../../extension/shared/credential-policy.js';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const BASE = `chrome-extension://${ID}/`;
const APP = 'http://payroll.localhost:8080';
const top = (url: string, extra: Partial<MessageSender> = {}): MessageSender => ({
  id: ID,
  url,
  frameId: 0,
  tab: { id: 7, url },
  ...extra,
});

void describe('exact origins', () => {
  it('normalises http(s) URLs to their origin', () => {
    assert.equal(exactOrigin('HTTP://Payroll.LOCALHOST:8080/x?y#z'), APP);
    assert.equal(exactOrigin('https://app.example:443/'), 'https://app.example');
  });

  it('refuses other schemes, credentials in the URL, junk and non-strings', () => {
    for (const bad of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,x',
      'ftp://a',
      'http://user:pw@payroll.localhost:8080/',
      'http://:pw@payroll.localhost:8080/',
      'not a url',
      '',
      undefined,
      null,
      42,
      {},
    ])
      assert.equal(exactOrigin(bad), undefined, JSON.stringify(bad));
  });

  it('compares scheme, host and port as a whole', () => {
    assert.equal(isOnOrigin(`${APP}/login`, APP), true);
    for (const other of [
      'https://payroll.localhost:8080/',
      'http://payroll.localhost:8081/',
      'http://payroll.localhost/',
      'http://evil.payroll.localhost:8080/',
      'http://payroll.localhost.evil:8080/',
      'http://payroll.localhost:8080@evil.example/',
    ])
      assert.equal(isOnOrigin(other, APP), false, other);
    assert.equal(isOnOrigin(`${APP}/`, undefined), false);
    assert.equal(isOnOrigin(undefined, APP), false);
  });
});

void describe('message senders', () => {
  it('accepts our own pages only', () => {
    assert.equal(isExtensionPage({ id: ID, url: `${BASE}popup.html` }, ID, BASE), true);
    assert.equal(
      isExtensionPage({ id: ID, url: `${BASE}popup.html`, tab: { id: 3 } }, ID, BASE),
      true,
    );
  });

  it('refuses content scripts, other extensions, missing fields and a bad base', () => {
    assert.equal(
      isExtensionPage(top(`${APP}/`), ID, BASE),
      false,
      'our content script on a web page',
    );
    assert.equal(
      isExtensionPage(
        { id: 'x'.repeat(32), url: `chrome-extension://${'x'.repeat(32)}/p.html` },
        ID,
        BASE,
      ),
      false,
    );
    assert.equal(
      isExtensionPage({ id: ID, url: `chrome-extension://${'x'.repeat(32)}/p.html` }, ID, BASE),
      false,
    );
    assert.equal(isExtensionPage({ id: ID }, ID, BASE), false);
    assert.equal(isExtensionPage(undefined, ID, BASE), false);
    assert.equal(isExtensionPage({ id: ID, url: `${BASE}popup.html` }, '', BASE), false);
    assert.equal(
      isExtensionPage({ id: ID, url: 'http://localhost/' }, ID, 'http://localhost/'),
      false,
    );
  });

  it('lets only the callback page finish a sign-in', () => {
    assert.equal(isCallbackPage({ id: ID, url: `${BASE}callback.html?code=x` }, ID, BASE), true);
    assert.equal(isCallbackPage({ id: ID, url: `${BASE}popup.html` }, ID, BASE), false);
    assert.equal(isCallbackPage(top(`${APP}/callback.html`), ID, BASE), false);
  });

  it('takes app pages in the top frame of a tab on exactly the app origin only', () => {
    assert.equal(isAppTopFrame(top(`${APP}/x`), ID, APP), true);
    assert.equal(isAppTopFrame(top(`${APP}/x`, { frameId: 3 }), ID, APP), false, 'a frame');
    assert.equal(isAppTopFrame(top(`${APP}/x`, { frameId: undefined }), ID, APP), false);
    assert.equal(isAppTopFrame(top(`${APP}/x`, { tab: undefined }), ID, APP), false, 'no tab');
    assert.equal(isAppTopFrame(top(`${APP}/x`, { id: 'other' }), ID, APP), false);
    assert.equal(isAppTopFrame(top('http://payroll.localhost:9999/x'), ID, APP), false, 'port');
    assert.equal(isAppTopFrame(top(`${APP}/x`), ID, null), false);
  });
});

void describe('an app’s open page', () => {
  it('is exactly /.jitgate/open, in the top frame, on exactly the app origin', () => {
    assert.equal(isAppOpenPage(top(`${APP}/.jitgate/open`), ID, APP), true);
    assert.equal(isAppOpenPage(top(`${APP}/.jitgate/open?x=1`), ID, APP), true, 'a query');
    assert.equal(isAppOpenPage(top(`${APP}/`), ID, APP), false, 'another path');
    assert.equal(isAppOpenPage(top(`${APP}/.jitgate/opener`), ID, APP), false);
    assert.equal(isAppOpenPage(top(`${APP}/.jitgate/open`, { frameId: 1 }), ID, APP), false);
    assert.equal(
      isAppOpenPage(top('http://payroll.localhost:9999/.jitgate/open'), ID, APP),
      false,
      'another port',
    );
  });
});

void describe('filling a login', () => {
  const target = { origin: APP, loginPath: '/login', live: true };

  it('fills the app’s login path in the top frame while the grant lives', () => {
    assert.equal(mayFillLogin(top(`${APP}/login?next=/`), ID, target), true);
  });

  it('refuses every other page, frame, origin and a grant that ended', () => {
    assert.equal(mayFillLogin(top(`${APP}/settings`), ID, target), false, 'path');
    assert.equal(mayFillLogin(top(`${APP}/login/`), ID, target), false, 'path suffix');
    assert.equal(mayFillLogin(top(`${APP}/login`, { frameId: 1 }), ID, target), false, 'frame');
    assert.equal(
      mayFillLogin(top('http://payroll.localhost:4444/login'), ID, target),
      false,
      'look-alike port',
    );
    assert.equal(
      mayFillLogin(top('https://payroll.localhost:8080/login'), ID, target),
      false,
      'scheme',
    );
    assert.equal(mayFillLogin(top(`${APP}/login`), ID, { ...target, live: false }), false);
    assert.equal(mayFillLogin(top(`${APP}/login`), ID, { ...target, loginPath: null }), false);
    assert.equal(mayFillLogin(undefined, ID, target), false);
  });
});

void describe('carrying a session credential', () => {
  const now = 1_000_000;
  const credential = { origin: APP, header: 'X-Jitgate-Grant-Credential', expiresAt: now + 60_000 };
  const grant = { origin: APP, endsAt: now + 120_000 };

  it('carries a live credential to its own origin', () => {
    assert.equal(mayCarryCredential(credential, grant, now), true);
  });

  it('refuses expiry, a foreign origin, odd headers and ended grants', () => {
    assert.equal(mayCarryCredential({ ...credential, expiresAt: now }, grant, now), false);
    assert.equal(mayCarryCredential({ ...credential, expiresAt: Number.NaN }, grant, now), false);
    assert.equal(
      mayCarryCredential({ ...credential, origin: 'http://payroll.localhost:9' }, grant, now),
      false,
    );
    assert.equal(mayCarryCredential({ ...credential, origin: `${APP}/` }, grant, now), false);
    assert.equal(mayCarryCredential({ ...credential, header: 'Cookie' }, grant, now), false);
    assert.equal(mayCarryCredential({ ...credential, header: 42 }, grant, now), false);
    assert.equal(mayCarryCredential(credential, { ...grant, endsAt: now }, now), false);
    assert.equal(
      mayCarryCredential(credential, { origin: null, endsAt: grant.endsAt }, now),
      false,
    );
  });
});

void describe('app tabs', () => {
  it('are the tabs whose document is at exactly the app origin, and fresh tabs loading it', () => {
    const tabs = [
      { id: 1, url: `${APP}/reports` },
      { id: 2, url: 'http://payroll.localhost:9090/' },
      { id: 3, url: 'https://payroll.localhost:8080/' },
      { id: 4, url: 'http://payroll.localhost.evil.localhost:8080/' },
      { id: 5 }, // an address we may not see
      { id: 6, url: '', pendingUrl: `${APP}/.jitgate/open` },
      { id: 7, url: 'http://payroll.localhost:9090/', pendingUrl: `${APP}/` },
      { id: 8, pendingUrl: `${APP}/` },
      { id: -1, url: `${APP}/` },
      { id: 9, url: `${APP}/`.toUpperCase() },
    ];
    assert.deepEqual(appTabIds(tabs, APP), [1, 6, 9]);
    assert.deepEqual(appTabIds(tabs, 'javascript:alert(1)'), []);
  });
});
