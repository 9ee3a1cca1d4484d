/**
 * MFA as one unit of the composition root: the key and what it seals, the factor services, the
 * step-up state, the login gate and the MFA pages. start.ts builds it once; web-routes.ts mounts
 * its pages and hands its step-up answer to the API and the portal.
 */
import { resolve } from 'node:path';
import express from 'express';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import { enrollRoutes } from '../identity/mfa/enroll-routes.js';
import { totpKind, type FactorKind } from '../identity/mfa/factor-kinds.js';
import { loginGate, type AfterLogin } from '../identity/mfa/login-gate.js';
import { loadMfaKey, MFA_KEY_FILE } from '../identity/mfa/mfa-key.js';
import { MfaService, type MfaServiceDeps } from '../identity/mfa/mfa-service.js';
import { qrCodeDataUrl } from '../identity/mfa/qr-code.js';
import { RecoveryCodes } from '../identity/mfa/recovery-codes.js';
import { mfaKeyCheck } from '../identity/mfa/mfa-key-check.js';
import { SecretBox } from '../identity/mfa/secret-box.js';
import { StepUps } from '../identity/mfa/step-up.js';
import { TotpEnrollments } from '../identity/mfa/totp-enrollment.js';
import { verifyRoutes } from '../identity/mfa/verify-routes.js';
import { WebAuthnFactors } from '../identity/mfa/webauthn.js';
import { webauthnKind, webauthnRoutes } from '../identity/mfa/webauthn-routes.js';
import type { RedirectPolicy } from '../identity/redirect.js';
import { webauthnAssetRoutes, webauthnScripts } from '../portal/webauthn-assets.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';

export interface MfaWiringDeps {
  config: Config;
  stateDir: string;
  store: Store;
  audit: AuditLog;
  log: Logger;
  now: () => number;
  /** The portal's origin: WebAuthn's expected origin, its hostname the RP ID. */
  portalOrigin: string;
}

export interface MfaWiring {
  /** Names the MFA key without revealing it (mfa-key-check.ts): the same on every replica. */
  keyCheck: string;
  service: MfaService;
  enrollments: TotpEnrollments;
  stepUps: StepUps;
  webauthn: WebAuthnFactors;
  /** The factor kinds people can add; WebAuthn appends its own. */
  kinds: FactorKind[];
  afterLogin: AfterLogin;
  /** `formTargets`: the app origins a sign-in form's answer may lead on to. */
  routes(redirects: RedirectPolicy, formTargets: readonly string[]): express.Router;
}

export function wireMfa(deps: MfaWiringDeps): MfaWiring {
  const { config, log, now } = deps;
  const configured = config.mfa.encryptionKeyFile;
  const key = loadMfaKey(resolve(configured ?? resolve(deps.stateDir, MFA_KEY_FILE)), {
    create: configured === undefined,
    log,
  });
  const serviceDeps: MfaServiceDeps = {
    store: deps.store,
    audit: deps.audit,
    box: new SecretBox(key),
    recovery: new RecoveryCodes(key),
    qrCode: qrCodeDataUrl,
    issuerLabel: config.mfa.issuerLabel,
    lockout: { maxFailures: config.mfa.maxFailures, lockoutMs: config.mfa.lockout },
    now,
  };
  const keyCheck = mfaKeyCheck(key);
  key.fill(0); // the box and the hasher keep only their derived subkeys
  const service = new MfaService(serviceDeps);
  const enrollments = new TotpEnrollments(serviceDeps);
  const stepUps = new StepUps(config.mfa.stepUpFreshness, now);
  const webauthn = new WebAuthnFactors({
    ...serviceDeps,
    portalOrigin: deps.portalOrigin,
    challenges: deps.store.oneTimeCodes,
  });
  const kinds: FactorKind[] = [totpKind, webauthnKind];
  return {
    keyCheck,
    service,
    enrollments,
    stepUps,
    webauthn,
    kinds,
    afterLogin: loginGate({ atLogin: config.mfa.atLogin, audit: deps.audit, now }),
    routes: (redirects, formTargets) =>
      express
        .Router()
        .use(verifyRoutes({ service, stepUps, kinds, redirects, formTargets, log }))
        .use(enrollRoutes({ service, enrollments, stepUps, redirects, log }))
        .use(webauthnAssetRoutes())
        .use(
          webauthnRoutes({ service, webauthn, stepUps, redirects, log, scripts: webauthnScripts }),
        ),
  };
}
