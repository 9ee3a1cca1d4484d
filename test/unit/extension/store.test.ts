/**
 * The worker's store reads back what it wrote and treats anything else in storage as absent:
 * storage.session is the worker's only memory and a damaged or foreign entry must never be taken
 * for a pending sign-in or a pending emergency access.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Store } from '../../../extension/background/store.background.js';
import { KEYS, type PendingAuth, type PendingBreakGlass } from '../../../extension/shared/state.js';
import { FakeBrowser } from './fake-browser.js';

const AUTH: PendingAuth = {
  origin: 'http://jitgate.localhost:8080',
  state: 'st_1',
  verifier: 'v_1',
  redirectUri: 'https://abc.chromiumapp.org/',
  startedAt: 1_000,
};
const BREAK_GLASS: PendingBreakGlass = {
  resource: 'payroll',
  incident: 'INC-1',
  reason: 'outage',
  duration: '30m',
  startedAt: 2_000,
};

/** Damaged versions of `record`: a field missing, of the wrong type, or no record at all. */
const damaged = (record: Record<string, unknown>): unknown[] => [
  ...Object.keys(record).map((k) => ({ ...record, [k]: undefined })),
  ...Object.keys(record).map((k) => ({ ...record, [k]: typeof record[k] === 'number' ? '1' : 1 })),
  null,
  'pending',
  42,
  [record],
];

void describe('the worker store', () => {
  let browser: FakeBrowser;
  let store: Store;
  beforeEach(() => {
    browser = new FakeBrowser();
    store = new Store(browser);
  });

  void it('reads back a pending sign-in and a pending emergency access, and forgets each', async () => {
    await store.setPending(KEYS.pendingAuth, AUTH);
    await store.setPending(KEYS.pendingBreakGlass, BREAK_GLASS);
    assert.deepEqual(await store.pending(KEYS.pendingAuth), AUTH);
    assert.deepEqual(await store.pending(KEYS.pendingBreakGlass), BREAK_GLASS);
    await store.setPending(KEYS.pendingAuth, undefined);
    assert.equal(await store.pending(KEYS.pendingAuth), undefined);
    assert.equal(browser.session.data.has(KEYS.pendingAuth), false, 'removed, not overwritten');
    assert.deepEqual(
      await store.pending(KEYS.pendingBreakGlass),
      BREAK_GLASS,
      'the other one stays',
    );
    await store.setPending(KEYS.pendingBreakGlass, undefined);
    assert.equal(await store.pending(KEYS.pendingBreakGlass), undefined);
    assert.equal(browser.session.data.has(KEYS.pendingBreakGlass), false);
  });

  void it('reads a damaged pending sign-in as absent', async () => {
    for (const value of [...damaged({ ...AUTH }), BREAK_GLASS]) {
      browser.session.data.set(KEYS.pendingAuth, value);
      assert.equal(await store.pending(KEYS.pendingAuth), undefined, JSON.stringify(value));
    }
  });

  void it('reads a damaged pending emergency access as absent', async () => {
    for (const value of [...damaged({ ...BREAK_GLASS }), AUTH]) {
      browser.session.data.set(KEYS.pendingBreakGlass, value);
      assert.equal(await store.pending(KEYS.pendingBreakGlass), undefined, JSON.stringify(value));
    }
  });

  void it('forgets both pending records at sign-out', async () => {
    await store.setPending(KEYS.pendingAuth, AUTH);
    await store.setPending(KEYS.pendingBreakGlass, BREAK_GLASS);
    await store.clearSession();
    assert.equal(await store.pending(KEYS.pendingAuth), undefined);
    assert.equal(await store.pending(KEYS.pendingBreakGlass), undefined);
  });
});
