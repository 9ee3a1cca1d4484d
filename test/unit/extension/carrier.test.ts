/**
 * The carrier keeps one header rule per active web grant the person let the extension reach,
 * renews credentials before they end, removes rules the moment a grant is no longer active, and
 * refuses a credential the proxy answered for another origin.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Carrier, type MintCredential } from '../../../extension/background/carry.background.js';
import { Store } from '../../../extension/background/store.background.js';
import type { ResourceView } from '../../../extension/shared/state.js';
import { FakeBrowser } from './fake-browser.js';

const APP = 'http://payroll.localhost:8080';
const NOW = 10_000_000;

const view = (over: Partial<ResourceView> = {}): ResourceView => ({
  id: 'payroll',
  name: 'Payroll',
  description: null,
  origin: APP,
  loginPath: null,
  state: 'active',
  grant: 'grt_aaaaaaaaaaaa',
  request: null,
  endsAt: NOW + 30 * 60_000,
  comment: null,
  requestable: true,
  maxDurationMs: 3_600_000,
  requireReason: true,
  ticketPattern: null,
  breakGlass: null,
  ...over,
});

void describe('carrying grants into apps', () => {
  let browser: FakeBrowser;
  let minted: string[];
  let answerOrigin: string;
  let now: number;
  let carrier: Carrier;

  beforeEach(() => {
    browser = new FakeBrowser();
    browser.granted.add('http://payroll.localhost/*');
    browser.tabList = [{ id: 4, url: `${APP}/` }];
    minted = [];
    answerOrigin = APP;
    now = NOW;
    const mint: MintCredential = async (grant) => {
      minted.push(grant);
      return {
        grant,
        origin: answerOrigin,
        header: 'X-Jitgate-Grant-Credential',
        value: `jgc1.value-${minted.length}-0123456789`,
        expiresAt: new Date(now + 15 * 60_000).toISOString(),
      };
    };
    carrier = new Carrier(browser, new Store(browser), mint, () => now);
  });

  it('adds one rule for an active grant and an alarm at its end', async () => {
    await carrier.reconcile([view()]);
    assert.equal(browser.rulesInBrowser.length, 1);
    assert.equal(browser.rulesInBrowser[0]?.condition.urlFilter, `|${APP}/`);
    assert.equal(browser.alarmsSet.get('grant-end:grt_aaaaaaaaaaaa')?.when, NOW + 30 * 60_000);
    await carrier.reconcile([view()]);
    assert.deepEqual(minted, ['grt_aaaaaaaaaaaa'], 'a fresh credential is kept, not minted again');
  });

  it('renews a credential that ends within five minutes, under the same rule id', async () => {
    await carrier.reconcile([view()]);
    now += 11 * 60_000;
    await carrier.reconcile([view()]);
    assert.equal(minted.length, 2);
    assert.equal(browser.rulesInBrowser.length, 1);
    assert.match(browser.rulesInBrowser[0]?.action.requestHeaders[0]?.value ?? '', /value-2/);
  });

  it('carries nothing without the host permission, for pending grants or other kinds', async () => {
    browser.granted.clear();
    await carrier.reconcile([view()]);
    browser.granted.add('http://payroll.localhost/*');
    await carrier.reconcile([
      view({ state: 'pending', grant: null }),
      view({ id: 'db', origin: null }),
    ]);
    assert.deepEqual(browser.rulesInBrowser, []);
    assert.deepEqual(minted, []);
  });

  it('refuses a credential the proxy says is for another origin', async () => {
    answerOrigin = 'http://evil.localhost:8080';
    await carrier.reconcile([view()]);
    assert.deepEqual(browser.rulesInBrowser, []);
  });

  it('removes the rule when the grant is no longer active, and leftovers of a killed worker', async () => {
    await carrier.reconcile([view()]);
    browser.rulesInBrowser.push({ ...structuredClone(browser.rulesInBrowser[0]!), id: 99 });
    await carrier.reconcile([view({ state: 'none', grant: null, endsAt: null })]);
    assert.deepEqual(browser.rulesInBrowser, []);
  });

  it('drops one grant at once (release, revoke, end alarm)', async () => {
    await carrier.reconcile([view()]);
    await carrier.drop('grt_aaaaaaaaaaaa');
    assert.deepEqual(browser.rulesInBrowser, []);
    assert.deepEqual(await new Store(browser).carried(), {});
  });

  it('scopes the rule to the app’s tabs, and follows them as they come, move and go', async () => {
    await carrier.reconcile([view()]);
    assert.deepEqual(browser.rulesInBrowser[0]?.condition.tabIds, [4]);
    browser.tabList.push(
      { id: 5, url: 'http://payroll.localhost:9090/' },
      { id: 6, url: `${APP}/x` },
    );
    await carrier.retarget();
    assert.deepEqual(browser.rulesInBrowser[0]?.condition.tabIds, [4, 6]);
    // The app's tab navigates to the same host on another port, the other one closes.
    browser.tabList = [{ id: 4, url: 'http://payroll.localhost:9090/' }];
    await carrier.retarget();
    assert.equal(browser.rulesInBrowser.length, 0, 'no app tab, no rule');
    browser.tabList = [{ id: 8, url: '', pendingUrl: `${APP}/.jitgate/open` }];
    await carrier.retarget();
    assert.deepEqual(browser.rulesInBrowser[0]?.condition.tabIds, [8]);
    assert.deepEqual(minted, ['grt_aaaaaaaaaaaa'], 'the held credential is reused');
  });

  it('never brings a dropped grant back when a tab change races the drop', async () => {
    await carrier.reconcile([view()]);
    await Promise.all([carrier.retarget(), carrier.drop('grt_aaaaaaaaaaaa'), carrier.retarget()]);
    assert.deepEqual(browser.rulesInBrowser, []);
  });

  it('registers the app content script on reachable app origins only', async () => {
    await carrier.registerScripts([
      view(),
      view({ id: 'crm', origin: 'http://crm.localhost:8080' }),
    ]);
    assert.deepEqual(
      browser.registered.map((s) => s.matches),
      [['http://payroll.localhost/*']],
    );
    browser.granted.clear();
    await carrier.registerScripts([view()]);
    assert.deepEqual(browser.registered, []);
  });
});
