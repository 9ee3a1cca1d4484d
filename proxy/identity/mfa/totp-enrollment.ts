/**
 * Adding an authenticator app: a new secret in an unconfirmed factor and its QR code; then the
 * first code confirms it (under the lockout: at login this is the step-up) and, when the person
 * had none, ten recovery codes are made and returned to be shown once.
 */
import { randomBytes } from 'node:crypto';
import { attempt, refusal, type CheckResult } from './attempts.js';
import { codeRefused, unknownFactor } from './errors.js';
import type { MfaFactor } from './factor-record.js';
import type { MfaServiceDeps } from './mfa-service.js';
import { factorContext, openSecret } from './secret-box.js';
import { generateTotpSecret, otpauthUri, verifyTotp } from './totp.js';

/** Who enrolls: the id the factor belongs to, and the name the authenticator app shows. */
export interface Enrollee {
  id: string;
  username: string;
  email: string | null;
}

export interface TotpEnrollment {
  factorId: string;
  /** Base32, for people who type it instead of scanning. */
  secret: string;
  uri: string;
  qrDataUrl: string;
}

const newFactorId = () => `mfa_${randomBytes(12).toString('base64url')}`;
const DEFAULT_NAME = 'Authenticator app';
const MAX_NAME = 64;

const isPendingTotp = (factor: MfaFactor | undefined, userId: string): factor is MfaFactor =>
  factor !== undefined &&
  factor.userId === userId &&
  factor.type === 'totp' &&
  factor.confirmedAt === null;

export class TotpEnrollments {
  constructor(private readonly deps: MfaServiceDeps) {}

  /** A new secret in an unconfirmed factor; unfinished earlier ones of this person are dropped. */
  async start(user: Enrollee): Promise<TotpEnrollment> {
    const { store, box } = this.deps;
    const secret = generateTotpSecret();
    const factorId = newFactorId();
    await store.atomic(async () => {
      await store.mfa.deleteUnconfirmed(user.id, 'totp');
      await store.mfa.insertFactor({
        id: factorId,
        userId: user.id,
        type: 'totp',
        name: DEFAULT_NAME,
        secretEnc: box.seal(secret, factorContext(factorId, user.id)),
        createdAt: this.deps.now(),
        lastUsedStep: null,
        confirmedAt: null,
      });
    });
    return this.view(user, factorId, secret);
  }

  /** The same unconfirmed enrollment again (a mistyped code keeps the QR code the app has). */
  async pending(user: Enrollee, factorId: string): Promise<TotpEnrollment | undefined> {
    const factor = await this.deps.store.mfa.getFactor(factorId);
    if (!isPendingTotp(factor, user.id)) return undefined;
    return this.view(user, factor.id, openSecret(this.deps.box, factor));
  }

  /** Confirms with the first code; returns the factor and new recovery codes, if any were made. */
  async confirm(
    userId: string,
    factorId: string,
    code: string,
    name: string,
  ): Promise<{ factor: MfaFactor; recoveryCodes: string[] | null }> {
    const { store, audit } = this.deps;
    let recoveryCodes: string[] | null = null;
    const result = await attempt(this.deps, userId, 'totp', async (): Promise<CheckResult> => {
      const factor = await store.mfa.getFactor(factorId);
      if (!isPendingTotp(factor, userId)) return { ok: false, reason: 'unknown_factor' };
      const at = this.deps.now();
      const check = verifyTotp(openSecret(this.deps.box, factor), code, at, null);
      if (!check.ok) return { ok: false, reason: check.reason };
      const label = name.trim().slice(0, MAX_NAME) || DEFAULT_NAME;
      if (!(await store.mfa.confirmFactor(factorId, userId, { at, step: check.step, name: label })))
        return { ok: false, reason: 'unknown_factor' };
      recoveryCodes = await this.deps.recovery.issueIfNone(store.mfa, userId);
      await audit.append({
        code: 'mfa.enrolled',
        actor: userId,
        data: {
          factor: factorId,
          type: 'totp',
          name: label,
          recoveryCodes: recoveryCodes !== null,
        },
      });
      return { ok: true, factorId };
    });
    if (!result.ok) throw refusal(result, codeRefused);
    const factor = await store.mfa.getFactor(factorId);
    if (!factor) throw unknownFactor();
    return { factor, recoveryCodes };
  }

  private async view(user: Enrollee, factorId: string, secret: string): Promise<TotpEnrollment> {
    const account = user.email ?? user.username;
    const uri = otpauthUri({ issuer: this.deps.issuerLabel, account, secret });
    return { factorId, secret, uri, qrDataUrl: await this.deps.qrCode(uri) };
  }
}
