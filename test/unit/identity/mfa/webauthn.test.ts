// WebAuthn on the server side, with a software authenticator (support/soft-authenticator.ts)
// against WebAuthnFactors on a real (in-memory) store: registration stores a sealed credential and
// its counter; a step-up passes once per challenge (a replayed answer is refused), only for the
// session and person the challenge was issued to, only with the person's own credential (bob's
// passkey never satisfies alice), and never with a signature counter that went back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AuditLog } from '../../../../proxy/audit/audit-log.js';
import type { MfaServiceDeps } from '../../../../proxy/identity/mfa/mfa-service.js';
import { RecoveryCodes } from '../../../../proxy/identity/mfa/recovery-codes.js';
import { SecretBox } from '../../../../proxy/identity/mfa/secret-box.js';
import { CHALLENGE_TTL_MS, WebAuthnFactors } from '../../../../proxy/identity/mfa/webauthn.js';
import { openSqliteStore } from '../../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../proxy/store/types.js';
import { SoftCredential } from '../../../support/soft-authenticator.js';

const ORIGIN = 'http://localhost:8080';

void describe('WebAuthnFactors', () => {
  let store: Store;
  let audit: AuditLog;
  let webauthn: WebAuthnFactors;
  let serviceDeps: MfaServiceDeps;
  let now = 1_700_000_000_000;
  const alice = { id: 'demo:alice', username: 'alice', email: 'alice@example.test' };
  const bob = { id: 'demo:bob', username: 'bob', email: 'bob@example.test' };
  const alicePasskey = new SoftCredential('localhost', ORIGIN);
  const bobPasskey = new SoftCredential('localhost', ORIGIN);

  before(async () => {
    store = openSqliteStore(':memory:');
    for (const user of [alice, bob])
      await store.users.upsert({
        id: user.id,
        idp: 'demo',
        subject: user.username,
        username: user.username,
        email: user.email,
        name: null,
        groups: [],
        kind: 'person',
        lastLoginAt: now,
      });
    audit = new AuditLog(store.audit, store, () => now);
    const key = randomBytes(32);
    const deps: MfaServiceDeps = {
      store,
      audit,
      box: new SecretBox(key),
      recovery: new RecoveryCodes(key),
      qrCode: async () => 'data:image/png;base64,',
      issuerLabel: 'jitgate',
      lockout: { maxFailures: 100, lockoutMs: 60_000 },
      now: () => now,
    };
    webauthn = new WebAuthnFactors({
      ...deps,
      portalOrigin: ORIGIN,
      challenges: store.oneTimeCodes,
    });
    serviceDeps = deps;
  });
  after(() => store.close());

  const last = async (code: string) => (await audit.list({ code, order: 'desc', limit: 1 }))[0];

  void test('RP ID is the portal hostname; registration stores the sealed credential', async () => {
    assert.equal(webauthn.rpId, 'localhost');
    const options = await webauthn.registrationOptions('sid-a', alice);
    assert.equal(options.rp.id, 'localhost');
    assert.equal(options.authenticatorSelection?.userVerification, 'preferred');
    const done = await webauthn.register(
      'sid-a',
      alice.id,
      alicePasskey.register(options),
      'Laptop',
    );
    assert.equal(done.factor.type, 'webauthn');
    assert.equal(done.factor.name, 'Laptop');
    assert.equal(done.factor.lastUsedStep, 0);
    assert.equal(done.recoveryCodes?.length, 10, 'a first factor brings recovery codes');
    assert.ok(!done.factor.secretEnc.includes(alicePasskey.id), 'the credential is sealed');
    assert.equal((await last('mfa.enrolled'))?.actor, alice.id);

    const bobOptions = await webauthn.registrationOptions('sid-b', bob);
    await webauthn.register('sid-b', bob.id, bobPasskey.register(bobOptions), '');
    // A second registration excludes the credentials already there.
    const again = await webauthn.registrationOptions('sid-a', alice);
    assert.deepEqual(
      again.excludeCredentials?.map((c) => c.id),
      [alicePasskey.id],
    );
  });

  void test('a registration answer is good for one use only', async () => {
    const options = await webauthn.registrationOptions('sid-a', alice);
    const other = new SoftCredential('localhost', ORIGIN);
    const answer = other.register(options);
    await webauthn.register('sid-a', alice.id, answer, 'Key');
    await assert.rejects(webauthn.register('sid-a', alice.id, answer, 'Key again'), {
      code: 'webauthn_refused',
    });
  });

  void test('a step-up passes with her passkey, and the same answer never twice', async () => {
    const options = await webauthn.authenticationOptions('sid-a', alice.id);
    assert.ok(options.allowCredentials?.some((c) => c.id === alicePasskey.id));
    const answer = alicePasskey.assert(options);
    assert.match(await webauthn.authenticate('sid-a', alice.id, answer), /^mfa_/);
    const passed = await last('mfa.succeeded');
    assert.equal((passed?.data as { method?: string }).method, 'webauthn');

    await assert.rejects(webauthn.authenticate('sid-a', alice.id, answer), {
      code: 'webauthn_refused',
    });
    const failed = await last('mfa.failed');
    assert.equal(failed?.reason, 'challenge_missing');
  });

  void test('a challenge counts only for its session and person, and only while fresh', async () => {
    const options = await webauthn.authenticationOptions('sid-a', alice.id);
    await assert.rejects(
      webauthn.authenticate('sid-other', alice.id, alicePasskey.assert(options)),
      { code: 'webauthn_refused' },
    );
    const forBob = await webauthn.authenticationOptions('sid-x', alice.id);
    await assert.rejects(webauthn.authenticate('sid-x', bob.id, bobPasskey.assert(forBob)), {
      code: 'webauthn_refused',
    });
    const stale = await webauthn.authenticationOptions('sid-a', alice.id);
    now += CHALLENGE_TTL_MS;
    await assert.rejects(webauthn.authenticate('sid-a', alice.id, alicePasskey.assert(stale)), {
      code: 'webauthn_refused',
    });
  });

  void test('a ceremony begun on one replica ends on another (challenges live in the store)', async () => {
    const elsewhere = new WebAuthnFactors({
      ...serviceDeps,
      portalOrigin: ORIGIN,
      challenges: store.oneTimeCodes,
    });
    const options = await webauthn.authenticationOptions('sid-r', alice.id);
    const answer = alicePasskey.assert(options);
    assert.match(await elsewhere.authenticate('sid-r', alice.id, answer), /^mfa_/);
    await assert.rejects(webauthn.authenticate('sid-r', alice.id, answer), {
      code: 'webauthn_refused',
    });
  });

  void test('a passkey of bob never satisfies alice', async () => {
    const options = await webauthn.authenticationOptions('sid-a', alice.id);
    await assert.rejects(webauthn.authenticate('sid-a', alice.id, bobPasskey.assert(options)), {
      code: 'webauthn_refused',
    });
    assert.equal((await last('mfa.failed'))?.reason, 'unknown_credential');
    assert.equal((await last('mfa.failed'))?.actor, alice.id);
    // bob's own step-up with it works.
    const own = await webauthn.authenticationOptions('sid-b', bob.id);
    await webauthn.authenticate('sid-b', bob.id, bobPasskey.assert(own));
  });

  void test('a signature counter that does not move forward is refused', async () => {
    const first = await webauthn.authenticationOptions('sid-a', alice.id);
    await webauthn.authenticate('sid-a', alice.id, alicePasskey.assert(first, 10));
    const back = await webauthn.authenticationOptions('sid-a', alice.id);
    await assert.rejects(webauthn.authenticate('sid-a', alice.id, alicePasskey.assert(back, 9)), {
      code: 'webauthn_refused',
    });
    assert.equal((await last('mfa.failed'))?.reason, 'counter_regressed');
    const same = await webauthn.authenticationOptions('sid-a', alice.id);
    await assert.rejects(webauthn.authenticate('sid-a', alice.id, alicePasskey.assert(same, 10)), {
      code: 'webauthn_refused',
    });
    const on = await webauthn.authenticationOptions('sid-a', alice.id);
    await webauthn.authenticate('sid-a', alice.id, alicePasskey.assert(on, 11));
  });

  void test('an answer for another origin is refused', async () => {
    const options = await webauthn.authenticationOptions('sid-a', alice.id);
    alicePasskey.origin = 'http://evil.localhost:8080';
    const phished = alicePasskey.assert(options, 20);
    alicePasskey.origin = ORIGIN;
    await assert.rejects(webauthn.authenticate('sid-a', alice.id, phished), {
      code: 'webauthn_refused',
    });
    assert.equal((await last('mfa.failed'))?.reason, 'invalid_response');
  });
});
