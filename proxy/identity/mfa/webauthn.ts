/**
 * WebAuthn / passkeys as a second factor, the only importer of @simplewebauthn/server. A person
 * may register several authenticators (each one factor row: the credential sealed in `secretEnc`
 * under factorContext(id, user), the signature counter in `lastUsedStep`). Every ceremony's
 * challenge is single-use and bound to the session and the person it was issued to; the RP ID is
 * the portal's hostname and the expected origin the portal's origin. Registration and
 * authentication both run through attempt(), so the lockout and the audit log see them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type * as SimpleWebAuthn from '@simplewebauthn/server';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { JitgateError } from '../../shared/errors.js';
import { OneTimeCodes } from '../../shared/one-time-codes.js';
import type { OneTimeCodeRepository } from '../../store/types.js';
import { attempt, refusal, type CheckResult } from './attempts.js';
import { notEnrolled, unknownFactor } from './errors.js';
import type { MfaFactor } from './factor-record.js';
import type { MfaServiceDeps } from './mfa-service.js';
import { factorContext, openSecret } from './secret-box.js';
import type { Enrollee } from './totp-enrollment.js';

/** Loaded at the first ceremony: the library and its CBOR/ASN.1 stack weigh ~15 MiB a process. */
let library: Promise<typeof SimpleWebAuthn> | undefined;
const webauthn = () => (library ??= import('@simplewebauthn/server'));

/** One answer for every refused ceremony, so a probe learns nothing from which check failed. */
export const webauthnRefused = () =>
  new JitgateError(
    400,
    'webauthn_refused',
    'that passkey answer is not valid, expired or was already used',
  );

/** What `secretEnc` of a WebAuthn factor holds (sealed). */
interface StoredCredential {
  id: string;
  /** COSE public key, base64url. */
  publicKey: string;
  transports?: string[];
}

type Purpose = 'register' | 'authenticate';

interface Pending {
  challenge: string;
  userId: string;
}

const isPending = (value: unknown): value is Pending =>
  typeof (value as Partial<Pending> | null)?.challenge === 'string' &&
  typeof (value as Partial<Pending> | null)?.userId === 'string';

/** How long a ceremony may take between its options and its answer. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
const DEFAULT_NAME = 'Passkey';
const MAX_NAME = 64;

/**
 * Outstanding challenges, one per session and purpose (a new one replaces the old). Taking one
 * removes it before anything is verified, so an answer can be checked once only, and only by the
 * session and person it was issued to. Kept in the store (under a hash of purpose and session
 * id): a ceremony may end on another replica, or after a restart.
 */
export class ChallengeBook {
  private readonly codes: OneTimeCodes<Pending>;

  constructor(repo: OneTimeCodeRepository, now: () => number) {
    this.codes = new OneTimeCodes({
      repo,
      kind: 'webauthn-challenge',
      ttlMs: CHALLENGE_TTL_MS,
      now,
      parse: (value) => (isPending(value) ? value : undefined),
    });
  }

  async issue(purpose: Purpose, sessionId: string, userId: string): Promise<string> {
    const challenge = randomBytes(32).toString('base64url');
    await this.codes.put(`${purpose}\0${sessionId}`, { challenge, userId }, userId);
    return challenge;
  }

  async take(purpose: Purpose, sessionId: string, userId: string): Promise<string | undefined> {
    const found = await this.codes.redeem(`${purpose}\0${sessionId}`);
    return found?.userId === userId ? found.challenge : undefined;
  }
}

export interface WebAuthnDeps extends MfaServiceDeps {
  /** The portal's origin, e.g. https://access.example.com; the RP ID is its hostname. */
  portalOrigin: string;
  /** Where outstanding challenges are kept. */
  challenges: OneTimeCodeRepository;
}

const newFactorId = () => `mfa_${randomBytes(12).toString('base64url')}`;

/** A stable, opaque user handle: the authenticator never learns the jitgate user id itself. */
const userHandle = (userId: string) =>
  new Uint8Array(createHash('sha256').update(`jitgate user\0${userId}`).digest());

/** The library takes a challenge as bytes; it appears in the options and the answer base64url. */
const bytesOf = (challenge: string) => new Uint8Array(Buffer.from(challenge, 'base64url'));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class WebAuthnFactors {
  readonly rpId: string;
  readonly origin: string;
  private readonly challenges: ChallengeBook;

  constructor(private readonly deps: WebAuthnDeps) {
    const url = new URL(deps.portalOrigin);
    this.rpId = url.hostname;
    this.origin = url.origin;
    this.challenges = new ChallengeBook(deps.challenges, deps.now);
  }

  /** The person's confirmed WebAuthn factors with their opened credentials. */
  private async credentialsOf(userId: string) {
    const factors = await this.deps.store.mfa.listFactors(userId);
    return factors
      .filter((f) => f.type === 'webauthn' && f.confirmedAt !== null && f.userId === userId)
      .map((factor) => ({ factor, credential: this.open(factor) }));
  }

  private open(factor: MfaFactor): StoredCredential {
    return JSON.parse(openSecret(this.deps.box, factor)) as StoredCredential;
  }

  async registrationOptions(
    sessionId: string,
    user: Enrollee,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.credentialsOf(user.id);
    return (await webauthn()).generateRegistrationOptions({
      rpName: this.deps.issuerLabel,
      rpID: this.rpId,
      userName: user.email ?? user.username,
      userDisplayName: user.username,
      userID: userHandle(user.id),
      challenge: bytesOf(await this.challenges.issue('register', sessionId, user.id)),
      attestationType: 'none',
      excludeCredentials: existing.map(({ credential }) => ({
        id: credential.id,
        ...(credential.transports ? { transports: credential.transports } : {}),
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
  }

  /**
   * Verifies a registration answer and stores the new factor (confirmed at once); the first
   * factor of a person brings recovery codes, returned to be shown once.
   */
  async register(
    sessionId: string,
    userId: string,
    response: unknown,
    name: string,
  ): Promise<{ factor: MfaFactor; recoveryCodes: string[] | null }> {
    const { store, audit, box } = this.deps;
    const challenge = await this.challenges.take('register', sessionId, userId);
    const factorId = newFactorId();
    let recoveryCodes: string[] | null = null;
    const result = await attempt(this.deps, userId, 'webauthn', async (): Promise<CheckResult> => {
      if (challenge === undefined) return { ok: false, reason: 'challenge_missing' };
      if (!isObject(response)) return { ok: false, reason: 'malformed' };
      let info;
      try {
        const verified = await (
          await webauthn()
        ).verifyRegistrationResponse({
          response: response as unknown as RegistrationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: this.origin,
          expectedRPID: this.rpId,
          requireUserVerification: false,
        });
        if (!verified.verified) return { ok: false, reason: 'not_verified' };
        info = verified.registrationInfo;
      } catch {
        return { ok: false, reason: 'invalid_response' };
      }
      const existing = await this.credentialsOf(userId);
      if (existing.some(({ credential }) => credential.id === info.credential.id))
        return { ok: false, reason: 'already_registered' };
      const stored: StoredCredential = {
        id: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        ...(info.credential.transports ? { transports: info.credential.transports } : {}),
      };
      const at = this.deps.now();
      const label = name.trim().slice(0, MAX_NAME) || DEFAULT_NAME;
      await store.mfa.insertFactor({
        id: factorId,
        userId,
        type: 'webauthn',
        name: label,
        secretEnc: box.seal(JSON.stringify(stored), factorContext(factorId, userId)),
        createdAt: at,
        lastUsedStep: info.credential.counter,
        confirmedAt: at,
      });
      recoveryCodes = await this.deps.recovery.issueIfNone(store.mfa, userId);
      await audit.append({
        code: 'mfa.enrolled',
        actor: userId,
        data: {
          factor: factorId,
          type: 'webauthn',
          name: label,
          userVerified: info.userVerified,
          recoveryCodes: recoveryCodes !== null,
        },
      });
      return { ok: true, factorId };
    });
    if (!result.ok) throw refusal(result, webauthnRefused);
    const factor = await store.mfa.getFactor(factorId);
    if (!factor) throw unknownFactor();
    return { factor, recoveryCodes };
  }

  /** Options for a step-up with any of the person's registered authenticators. */
  async authenticationOptions(
    sessionId: string,
    userId: string,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const existing = await this.credentialsOf(userId);
    if (existing.length === 0) throw notEnrolled();
    return (await webauthn()).generateAuthenticationOptions({
      rpID: this.rpId,
      challenge: bytesOf(await this.challenges.issue('authenticate', sessionId, userId)),
      allowCredentials: existing.map(({ credential }) => ({
        id: credential.id,
        ...(credential.transports ? { transports: credential.transports } : {}),
      })),
      userVerification: 'preferred',
    });
  }

  /**
   * A step-up with a passkey: the answer must sign this session's challenge for `userId` with one
   * of `userId`'s own credentials, and its counter (when the authenticator keeps one) must move
   * forward. Returns the factor used.
   */
  async authenticate(sessionId: string, userId: string, response: unknown): Promise<string> {
    const challenge = await this.challenges.take('authenticate', sessionId, userId);
    const result = await attempt(this.deps, userId, 'webauthn', async (): Promise<CheckResult> => {
      if (challenge === undefined) return { ok: false, reason: 'challenge_missing' };
      if (!isObject(response) || typeof response.id !== 'string')
        return { ok: false, reason: 'malformed' };
      // Only this person's credentials are candidates: a passkey of bob never counts for alice.
      const match = (await this.credentialsOf(userId)).find(
        ({ credential }) => credential.id === response.id,
      );
      if (!match) return { ok: false, reason: 'unknown_credential' };
      const { factor, credential } = match;
      const counter = factor.lastUsedStep ?? 0;
      let newCounter: number;
      try {
        const verified = await (
          await webauthn()
        ).verifyAuthenticationResponse({
          response: response as unknown as AuthenticationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: this.origin,
          expectedRPID: this.rpId,
          credential: {
            id: credential.id,
            publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
            counter,
            ...(credential.transports ? { transports: credential.transports } : {}),
          },
          requireUserVerification: false,
        });
        if (!verified.verified) return { ok: false, reason: 'not_verified' };
        newCounter = verified.authenticationInfo.newCounter;
      } catch (error) {
        const counterError = error instanceof Error && /counter/i.test(error.message);
        return { ok: false, reason: counterError ? 'counter_regressed' : 'invalid_response' };
      }
      // Authenticators without a counter always say 0; one that has a counter must move it on
      // (compare-and-set: of two answers with the same counter, one is a replay or a clone).
      if (
        (newCounter > 0 || counter > 0) &&
        !(await this.deps.store.mfa.useStep(factor.id, newCounter))
      )
        return { ok: false, reason: 'counter_regressed' };
      return { ok: true, factorId: factor.id };
    });
    if (!result.ok) throw refusal(result, webauthnRefused);
    return result.factorId ?? '';
  }
}
