/**
 * The SAML repository's contract, run against every store backend (SQLite here, PostgreSQL in
 * its own test): a request is taken once, only by the browser and IdP it was made for and only
 * before it expires; an assertion ID is remembered once, also under concurrency; purge forgets
 * only what has expired. Ids are unique to the run and times lie far in the past, so the suite
 * also runs on a database that holds other data.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { SamlRequestRecord } from '../../proxy/identity/saml-record.js';
import type { Store } from '../../proxy/store/types.js';

const T0 = Date.UTC(2001, 0, 1);
const MIN = 60_000;

export function samlContract(name: string, open: () => Promise<Store>): void {
  void describe(`SAML repository contract: ${name}`, () => {
    let store: Store;
    const run = randomBytes(6).toString('hex');
    let serial = 0;
    const unique = (prefix: string) => `${prefix}-${run}-${++serial}`;
    before(async () => {
      store = await open();
    });
    after(() => store?.close());

    const request = (overrides: Partial<SamlRequestRecord> = {}): SamlRequestRecord => ({
      id: unique('_req'),
      idp: 'corp',
      browserHash: 'a'.repeat(64),
      returnTo: '/history?x=Zoë',
      expiresAt: T0 + 10 * MIN,
      ...overrides,
    });

    void test('a request is taken once, as it was stored', async () => {
      const r = request();
      await store.saml.insertRequest(r);
      assert.deepEqual(await store.saml.takeRequest(r.id, r.idp, r.browserHash, T0), r);
      assert.equal(await store.saml.takeRequest(r.id, r.idp, r.browserHash, T0), undefined);
    });

    void test('only by its browser and its IdP; a wrong guess does not use it up', async () => {
      const r = request();
      await store.saml.insertRequest(r);
      assert.equal(await store.saml.takeRequest(r.id, r.idp, 'b'.repeat(64), T0), undefined);
      assert.equal(await store.saml.takeRequest(r.id, 'other', r.browserHash, T0), undefined);
      assert.deepEqual(await store.saml.takeRequest(r.id, r.idp, r.browserHash, T0), r);
    });

    void test('not once it has expired', async () => {
      const r = request();
      await store.saml.insertRequest(r);
      assert.equal(
        await store.saml.takeRequest(r.id, r.idp, r.browserHash, r.expiresAt),
        undefined,
      );
    });

    void test('of two concurrent takes, one gets the request', async () => {
      const r = request();
      await store.saml.insertRequest(r);
      const taken = await Promise.all(
        [1, 2, 3].map(() => store.saml.takeRequest(r.id, r.idp, r.browserHash, T0)),
      );
      assert.equal(taken.filter((t) => t !== undefined).length, 1);
    });

    void test('an assertion is remembered once, also when asked at once', async () => {
      const key = unique('corp:_assertion');
      const answers = await Promise.all(
        [1, 2, 3, 4].map(() => store.saml.rememberAssertion(key, T0 + MIN)),
      );
      assert.deepEqual(answers.sort(), [false, false, false, true]);
      assert.equal(await store.saml.rememberAssertion(key, T0 + 2 * MIN), false);
    });

    void test('purge forgets what has expired and keeps the rest', async () => {
      const gone = request({ expiresAt: T0 + MIN });
      const kept = request({ expiresAt: T0 + 100 * MIN });
      await store.saml.insertRequest(gone);
      await store.saml.insertRequest(kept);
      const oldKey = unique('corp:_old');
      const newKey = unique('corp:_new');
      await store.saml.rememberAssertion(oldKey, T0 + MIN);
      await store.saml.rememberAssertion(newKey, T0 + 100 * MIN);
      assert.ok((await store.saml.purgeExpired(T0 + MIN)) >= 2);
      // Forgotten: the old key is new again (its time is long past, so the login refuses it anyway).
      assert.equal(await store.saml.rememberAssertion(oldKey, T0 + MIN), true);
      assert.equal(await store.saml.rememberAssertion(newKey, T0 + 100 * MIN), false);
      assert.equal(
        await store.saml.takeRequest(gone.id, gone.idp, gone.browserHash, T0),
        undefined,
      );
      assert.deepEqual(await store.saml.takeRequest(kept.id, kept.idp, kept.browserHash, T0), kept);
    });
  });
}
