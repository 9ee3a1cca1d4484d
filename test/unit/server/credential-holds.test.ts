// Whether a sign-in still holds, as the session credentials minted under it ask: an end this
// replica hears of (`forget`) counts at once, also against a check that was on its way when the
// sign-in ended (its answer predates the end and must not be kept as "holds").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import { createCredentialHolds } from '../../../proxy/server/credential-holds.js';

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
