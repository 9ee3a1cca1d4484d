// A grant end the store refuses (PostgreSQL answers "disk full" to every write of grants) holds
// at once on the replica that took it, and the others hear of it and hold it too: nobody is
// admitted on the grant anywhere, not even through a reload of what the store (still) says.
// Once the store takes writes, the end is recorded once and the others let go of their hold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import {
  adminGrantToAlice,
  twoReplicas,
  waitFor,
  type FeedReplica,
} from '../../support/feed-replica.js';

const now = () => Date.now();
let a: FeedReplica;
let b: FeedReplica;
let stop: (() => Promise<void>) | undefined;

before(async () => {
  ({ a, b, stop } = await twoReplicas());
});
after(() => stop?.());

/** From now on PostgreSQL refuses every change to a grant, as a full disk would. */
async function fillTheDisk() {
  await a.store.db.run(`CREATE FUNCTION refuse_grant_writes() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$`);
  await a.store.db.run(`CREATE TRIGGER disk_full BEFORE UPDATE ON grants
    FOR EACH ROW EXECUTE FUNCTION refuse_grant_writes()`);
  return async () => a.store.db.run('DROP TRIGGER disk_full ON grants');
}

void describe('a grant end the store refuses, with two replicas', () => {
  it('a revoke on A the store refuses ends the grant on B too, until and after it is recorded', async () => {
    const grant = await adminGrantToAlice(a, 'payroll');
    await waitFor(() => b.book.get(grant.id) !== undefined);
    const freeSpace = await fillTheDisk();

    const heard = b.nextEvent('grant.ended');
    const revoked = await a.grants.revoke(grant.id, 'admin');
    assert.notEqual(revoked.revokedAt, null, 'A answers with the grant ended');
    assert.equal(a.revocations.size, 1, 'waiting on A for the store');
    assert.equal((await a.store.grants.get(grant.id))?.revokedAt, null, 'the store has it live');

    const event = await heard;
    assert.equal(event.type === 'grant.ended' && event.end, 'revoked');
    assert.equal(event.remote, true);
    assert.deepEqual(
      b.ended.at(-1),
      { id: grant.id, reason: 'revoked' },
      'B cut what ran under it',
    );
    assert.equal(b.book.liveGrant('demo:alice', 'payroll', now()), undefined);

    // What B's reload after a reconnect reads (live grants, through its holds) leaves it out,
    // though the store still has it live (replica-wiring.test.ts: a reload's snapshot).
    const reloaded = await b.revocations.overlay(b.store).grants.listLive(now());
    assert.equal(
      reloaded.some((g) => g.id === grant.id),
      false,
    );
    assert.equal(
      (await b.store.grants.listLive(now())).some((g) => g.id === grant.id),
      true,
    );

    await freeSpace();
    assert.equal(await a.revocations.flush(), 1, 'A records it once the store takes writes');
    assert.notEqual((await b.store.grants.get(grant.id))?.revokedAt, null);
    await b.revocations.flush();
    assert.equal(b.revocations.idle, true, 'B lets go: the store has it');
    assert.equal(b.book.liveGrant('demo:alice', 'payroll', now()), undefined);
    const ends = await a.store.audit.list({ limit: 100 });
    assert.equal(
      ends.filter((e) => e.code === 'grant.revoked' && e.data.grant === grant.id).length,
      1,
      'audited once',
    );
  });
});
