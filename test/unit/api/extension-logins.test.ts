// The extension's codes and refresh tokens live in the store: a code issued on one replica is
// traded on another, a refresh token outlives a restart, each works once however many callers
// race for it, and a signed-out (revoked) token's refresh token is refused.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ExtensionLogins } from '../../../proxy/api/extension-logins.js';
import { TokenService } from '../../../proxy/api/token-service.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { endPersonSessions } from '../../../proxy/server/person-sign-out.js';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';

const NOW = 1_700_000_000_000;
const REDIRECT = `chrome-extension://${'a'.repeat(32)}/callback.html`;
const alice: SessionUser = {
  id: 'corp:alice',
  idp: 'corp',
  username: 'alice',
  email: null,
  name: null,
  groups: ['staff'],
  kind: 'person',
  loginAt: NOW,
};

void describe('ExtensionLogins over the store', () => {
  let store: Store;
  let tokens: TokenService;
  /** A replica (or a restarted process): its own ExtensionLogins, the same store. */
  const replica = () =>
    new ExtensionLogins({
      tokens,
      tokenRecord: (id) => store.tokens.get(id),
      codes: store.oneTimeCodes,
      counters: store.rateLimits,
      maxLifetimeMs: 12 * 3_600_000,
      now: () => NOW,
    });

  before(async () => {
    store = openSqliteStore(':memory:');
    await store.users.upsert({
      ...alice,
      subject: 'alice',
      lastLoginAt: NOW,
    });
    tokens = new TokenService({
      store,
      audit: new AuditLog(store.audit, store, () => NOW),
      now: () => NOW,
    });
  });
  after(() => store.close());

  const verifier = () => randomBytes(32).toString('base64url');
  const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');

  test('a code issued on one replica is traded on another, once', async () => {
    const v = verifier();
    const code = await replica().issueCode(alice, challengeOf(v), REDIRECT);
    const issued = await replica().redeem(code, v, REDIRECT);
    assert.match(issued.token, /^jgt_/);
    await assert.rejects(replica().redeem(code, v, REDIRECT), { code: 'invalid_grant' });
  });

  test('a refresh token works after a restart, once, however many race for it', async () => {
    const v = verifier();
    const first = await replica().redeem(
      await replica().issueCode(alice, challengeOf(v), REDIRECT),
      v,
      REDIRECT,
    );
    const racing = await Promise.allSettled(
      Array.from({ length: 20 }, () => replica().refresh(first.refreshToken)),
    );
    assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1);
    const old = await store.tokens.get(first.tokenId);
    assert.notEqual(old?.revokedAt, null, 'rotation revoked the previous access token');
  });

  test('after sign-out (the token revoked) its refresh token is refused', async () => {
    const v = verifier();
    const issued = await replica().redeem(
      await replica().issueCode(alice, challengeOf(v), REDIRECT),
      v,
      REDIRECT,
    );
    const record = await store.tokens.get(issued.tokenId);
    assert.ok(record);
    await tokens.revoke(record, alice.id);
    await assert.rejects(replica().refresh(issued.refreshToken), { code: 'invalid_grant' });
  });

  /** An admin's "end all sessions of this person" (person-sign-out.ts), as its store sees it. */
  const signOutAlice = async () => {
    const deps = {
      store,
      audit: new AuditLog(store.audit, store, () => NOW),
      invalidateSession: () => undefined,
      endCredential: () => undefined,
      now: () => NOW,
    };
    await endPersonSessions(deps, { ...alice, subject: 'alice', lastLoginAt: NOW }, 'admin');
  };

  /** Alice's tokens nobody revoked. */
  const liveTokens = async () => (await store.tokens.revokeForUser(alice.id, NOW)).length; // (revokes them: call last)

  type SignOutMoment = 'after the record is read' | 'before the issue' | 'after the issue';

  /** A replica whose store calls let an admin end all of Alice's sign-ins at `moment`. */
  const loginsRacingSignOut = (moment: SignOutMoment) =>
    new ExtensionLogins({
      tokens: {
        issue: async (...args: Parameters<TokenService['issue']>) => {
          if (moment === 'before the issue') await signOutAlice();
          const issued = await tokens.issue(...args);
          if (moment === 'after the issue') await signOutAlice();
          return issued;
        },
        revoke: (record, actor) => tokens.revoke(record, actor),
      },
      tokenRecord: async (id) => {
        const record = await store.tokens.get(id);
        if (moment === 'after the record is read') await signOutAlice();
        return record;
      },
      codes: store.oneTimeCodes,
      counters: store.rateLimits,
      maxLifetimeMs: 12 * 3_600_000,
      now: () => NOW,
    });

  /** What a racing call came to, and how many of Alice's tokens live after it. */
  const raced = async (call: Promise<unknown>) => {
    const outcome = await call.then(
      () => 'a new token',
      (error: { code?: string }) => error.code,
    );
    return { outcome, live: await liveTokens() };
  };

  /**
   * A refresh under way while an admin ends all of Alice's sign-ins (on another replica), the
   * sign-out landing at `moment`: the refresh must not hand out a token that outlives it.
   */
  async function refreshRacingSignOut(moment: SignOutMoment) {
    await signOutAlice(); // (the earlier tests' tokens)
    const v = verifier();
    const first = await replica().redeem(
      await replica().issueCode(alice, challengeOf(v), REDIRECT),
      v,
      REDIRECT,
    );
    return raced(loginsRacingSignOut(moment).refresh(first.refreshToken));
  }

  test('a sign-out landing just after the refresh read the token ends the refresh', async () => {
    assert.deepEqual(await refreshRacingSignOut('after the record is read'), {
      outcome: 'invalid_grant',
      live: 0,
    });
  });

  test('a sign-out landing just before the new token is written ends the refresh', async () => {
    assert.deepEqual(await refreshRacingSignOut('before the issue'), {
      outcome: 'invalid_grant',
      live: 0,
    });
  });

  /**
   * A sign-in code traded while an admin ends all of Alice's sign-ins (on another replica), the
   * sign-out landing just before or just after the code's token is written: no token handed out
   * may outlive it.
   */
  async function redeemRacingSignOut(moment: SignOutMoment) {
    await signOutAlice(); // (the earlier tests' tokens)
    const v = verifier();
    const code = await replica().issueCode(alice, challengeOf(v), REDIRECT);
    return raced(loginsRacingSignOut(moment).redeem(code, v, REDIRECT));
  }

  test('a sign-out landing just before a code’s token is written ends the sign-in', async () => {
    assert.deepEqual(await redeemRacingSignOut('before the issue'), {
      outcome: 'invalid_grant',
      live: 0,
    });
  });

  test('a sign-out landing just after a code’s token is written ends the sign-in', async () => {
    assert.deepEqual(await redeemRacingSignOut('after the issue'), {
      outcome: 'invalid_grant',
      live: 0,
    });
  });

  test('a code with the wrong verifier is spent: the right one is refused after it', async () => {
    const v = verifier();
    const code = await replica().issueCode(alice, challengeOf(v), REDIRECT);
    await assert.rejects(replica().redeem(code, verifier(), REDIRECT), { code: 'invalid_grant' });
    await assert.rejects(replica().redeem(code, v, REDIRECT), { code: 'invalid_grant' });
  });
});
