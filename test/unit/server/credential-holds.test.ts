// Whether a sign-in still holds, as the session credentials minted under it ask: an end this
// replica hears of (`forget`) counts at once, also against a check that was on its way when the
// sign-in ended (its answer predates the end and must not be kept as "holds"); an end another
// replica announces on the change feed counts as soon as it arrives, and likewise.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import { createCredentialHolds } from '../../../proxy/server/credential-holds.js';
import {
  sessionDigest,
  type ChangeSubscriber,
  type StoreChange,
} from '../../../proxy/store/change-feed.js';

const alice = { id: 'corp:alice' } as SessionUser;

void describe('credential holds', () => {
  test('an end heard while a check is on its way is not undone by that check', async () => {
    let answer: ((user: SessionUser | undefined) => void) | undefined;
    let signedIn = true;
    const holds = createCredentialHolds({
      sessions: {
        lookup: () =>
          signedIn
            ? new Promise<SessionUser | undefined>((resolve) => (answer = resolve))
            : undefined,
      },
      tokenLive: () => Promise.resolve(false),
      now: () => 0,
    });
    const inFlight = holds.holds('session:s1', alice.id);
    // The person signs out here while the check's store read is on its way back.
    signedIn = false;
    holds.forget('session:s1');
    answer?.(alice);
    await inFlight;
    assert.equal(await holds.holds('session:s1', alice.id), false);
  });

  test('an end heard before any check counts at once', async () => {
    const holds = createCredentialHolds({
      sessions: { lookup: () => alice },
      tokenLive: () => Promise.resolve(true),
      now: () => 0,
    });
    assert.equal(await holds.holds('token:tok_1', alice.id), true);
    holds.forget('token:tok_1');
    assert.equal(await holds.holds('token:tok_1', alice.id), false);
  });
});

/** A change feed the test speaks for: the other replicas' announcements, and a start-over. */
function feed() {
  const subscribers = new Set<ChangeSubscriber>();
  return {
    subscribe(subscriber: ChangeSubscriber) {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    tell: (change: StoreChange) => subscribers.forEach((s) => s.changed(change)),
    resync: () => Promise.all([...subscribers].map((s) => s.resync())),
  };
}

void describe('credential holds, told by the other replicas', () => {
  test('a session or token another replica ended no longer holds here once its change arrives', async () => {
    const changes = feed();
    const live = { session: true, token: true };
    const holds = createCredentialHolds({
      sessions: { lookup: () => (live.session ? alice : undefined) },
      tokenLive: () => Promise.resolve(live.token),
      now: () => 0,
      changes,
    });
    assert.equal(await holds.holds('session:s1', alice.id), true);
    assert.equal(await holds.holds('token:tok_1', alice.id), true);
    live.session = false;
    live.token = false;
    changes.tell({ kind: 'session', digest: sessionDigest('s1') });
    assert.equal(await holds.holds('session:s1', alice.id), false);
    changes.tell({ kind: 'token', id: 'tok_1' });
    assert.equal(await holds.holds('token:tok_1', alice.id), false);
  });

  test('what runs under sign-ins here hears when another replica changed one', () => {
    const changes = feed();
    const holds = createCredentialHolds({
      sessions: { lookup: () => alice },
      tokenLive: () => Promise.resolve(true),
      now: () => 0,
      changes,
    });
    let told = 0;
    const stop = holds.onChangedElsewhere(() => told++);
    changes.tell({ kind: 'session', digest: sessionDigest('s1') });
    changes.tell({ kind: 'token', id: 'tok_1' });
    changes.tell({ kind: 'grant', id: 'grt_1' });
    assert.equal(told, 2, 'sign-ins only');
    stop();
    changes.tell({ kind: 'token', id: 'tok_1' });
    assert.equal(told, 2);
  });

  test('the feed starting over drops every answer kept (it may have missed ends)', async () => {
    const changes = feed();
    let live = true;
    const holds = createCredentialHolds({
      sessions: { lookup: () => alice },
      tokenLive: () => Promise.resolve(live),
      now: () => 0,
      changes,
    });
    assert.equal(await holds.holds('token:tok_2', alice.id), true);
    live = false;
    await changes.resync();
    assert.equal(await holds.holds('token:tok_2', alice.id), false);
  });

  test('a check on its way when another replica ended the sign-in is not kept', async () => {
    const changes = feed();
    let answer: ((live: boolean) => void) | undefined;
    let live = true;
    const holds = createCredentialHolds({
      sessions: { lookup: () => alice },
      tokenLive: () =>
        live ? new Promise<boolean>((resolve) => (answer = resolve)) : Promise.resolve(false),
      now: () => 0,
      changes,
    });
    const inFlight = holds.holds('token:tok_3', alice.id);
    // Revoked at another replica while this replica's read is on its way back.
    live = false;
    changes.tell({ kind: 'token', id: 'tok_3' });
    answer?.(true);
    await inFlight;
    assert.equal(await holds.holds('token:tok_3', alice.id), false);
  });
});
