/**
 * SamlRepository: a request is taken once, only by the browser and IdP it was made for and only
 * before it expires; an assertion ID is remembered once, also under concurrency and across
 * replicas; purge forgets only what has expired. Times lie far in the past, so purging here
 * touches nothing a live login could need.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SamlRequestRecord } from '../../../proxy/identity/saml-record.js';
import { MIN, T0, type ContractContext } from './context.js';

export function samlContract(c: ContractContext): void {
  const request = (overrides: Partial<SamlRequestRecord> = {}): SamlRequestRecord => ({
    id: c.unique('_req'),
    idp: 'corp',
    browserHash: 'a'.repeat(64),
    returnTo: '/history?x=Zoë',
    expiresAt: T0 + 10 * MIN,
    ...overrides,
  });
  const saml = () => c.store().saml;
  /** The other replica's repository, or this one's where the backend has no replica. */
  const other = () => (c.replica() ?? c.store()).saml;

  void describe('saml', () => {
    void test('a request is taken once, as it was stored', async () => {
      const r = request();
      await saml().insertRequest(r);
      assert.deepEqual(await saml().takeRequest(r.id, r.idp, r.browserHash, T0), r);
      assert.equal(await saml().takeRequest(r.id, r.idp, r.browserHash, T0), undefined);
    });

    void test('only by its browser and its IdP; a wrong guess does not use it up', async () => {
      const r = request();
      await saml().insertRequest(r);
      assert.equal(await saml().takeRequest(r.id, r.idp, 'b'.repeat(64), T0), undefined);
      assert.equal(await saml().takeRequest(r.id, 'other', r.browserHash, T0), undefined);
      assert.deepEqual(await saml().takeRequest(r.id, r.idp, r.browserHash, T0), r);
    });

    void test('not once it has expired', async () => {
      const r = request();
      await saml().insertRequest(r);
      assert.equal(await saml().takeRequest(r.id, r.idp, r.browserHash, r.expiresAt), undefined);
    });

    void test('of concurrent takes on both replicas, one gets the request', async () => {
      const r = request();
      await saml().insertRequest(r);
      const taken = await Promise.all(
        [saml(), other(), saml(), other()].map((repo) =>
          repo.takeRequest(r.id, r.idp, r.browserHash, T0),
        ),
      );
      assert.equal(taken.filter((t) => t !== undefined).length, 1);
    });

    void test('an assertion is remembered once, also when both replicas ask at once', async () => {
      const key = c.unique('corp:_assertion');
      const answers = await Promise.all(
        [saml(), other(), saml(), other()].map((repo) => repo.rememberAssertion(key, T0 + MIN)),
      );
      assert.deepEqual(answers.sort(), [false, false, false, true]);
      assert.equal(await saml().rememberAssertion(key, T0 + 2 * MIN), false);
    });

    void test('purge forgets what has expired and keeps the rest', async () => {
      const gone = request({ expiresAt: T0 - 1_000 * MIN });
      const kept = request({ expiresAt: T0 + 100 * MIN });
      await saml().insertRequest(gone);
      await saml().insertRequest(kept);
      const oldKey = c.unique('corp:_old');
      const newKey = c.unique('corp:_new');
      await saml().rememberAssertion(oldKey, T0 - 1_000 * MIN);
      await saml().rememberAssertion(newKey, T0 + 100 * MIN);
      assert.ok((await saml().purgeExpired(T0 - 1_000 * MIN)) >= 2);
      // Forgotten: the old key is new again (its time is long past, so a login refuses it anyway).
      assert.equal(await saml().rememberAssertion(oldKey, T0 - 1_000 * MIN), true);
      assert.equal(await saml().rememberAssertion(newKey, T0 + 100 * MIN), false);
      assert.equal(await saml().takeRequest(gone.id, gone.idp, gone.browserHash, T0), undefined);
      assert.deepEqual(await saml().takeRequest(kept.id, kept.idp, kept.browserHash, T0), kept);
    });
  });
}
