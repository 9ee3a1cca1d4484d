/**
 * Passkeys on the web: /mfa/webauthn/enroll (name it, then the browser registers it) and
 * /mfa/webauthn/verify (a step-up with one), each a page plus two JSON calls made by
 * assets/webauthn.js: `…/options` issues a single-use challenge for this session and person,
 * the POST verifies the answer. Same rules as TOTP: a first factor needs no step-up, any further
 * one does; a passed ceremony is a step-up (new session id) and leads on to `rd`.
 */
import express, { type Request, type Response } from 'express';
import { csrfField, csrfToken, requireCsrf } from '../csrf.js';
import { JitgateError } from '../../shared/errors.js';
import { html, page, PORTAL_CSP, type SafeHtml } from '../../shared/html.js';
import type { Logger } from '../../shared/logger.js';
import type { RedirectPolicy } from '../redirect.js';
import type { FactorKind } from './factor-kinds.js';
import type { MfaService } from './mfa-service.js';
import { field, loginUrl, pageError, returnOf, sendPage, verifyUrl } from './route-helpers.js';
import type { MfaPerson, StepUps } from './step-up.js';
import type { WebAuthnFactors } from './webauthn.js';

export const WEBAUTHN_ENROLL_PATH = '/mfa/webauthn/enroll';
export const WEBAUTHN_VERIFY_PATH = '/mfa/webauthn/verify';

const webauthnEnrollUrl = (rd: string) => `${WEBAUTHN_ENROLL_PATH}?rd=${encodeURIComponent(rd)}`;

/** The passkey part of /mfa/verify: a button to the passkey step-up page (which has scripts). */
export const webauthnKind: FactorKind = {
  type: 'webauthn',
  label: 'Passkey or security key',
  enrollPath: WEBAUTHN_ENROLL_PATH,
  stepUpForm: ({ rd }) =>
    html`<form method="get" action="${WEBAUTHN_VERIFY_PATH}" data-form="verify-webauthn">
      <input type="hidden" name="rd" value="${rd}" />
      <button type="submit">Use a passkey or security key</button>
    </form>`,
};

export interface WebAuthnRoutesDeps {
  service: MfaService;
  webauthn: WebAuthnFactors;
  stepUps: StepUps;
  redirects: RedirectPolicy;
  log: Logger;
  /** The `<script>` tags of the ceremony (the portal serves the files: portal/webauthn-assets.ts). */
  scripts: () => SafeHtml;
}

const who = (person: MfaPerson) =>
  html`<p class="muted">
    ${person.pending ? 'Signing in as' : 'Signed in as'} <strong>${person.user.username}</strong> ·
    <a href="/auth/logout">Sign out</a>
  </p>`;

/** A passkey page: plain like the other MFA pages, plus its two same-origin scripts. */
function sendCeremonyPage(res: Response, scripts: SafeHtml, title: string, body: SafeHtml): void {
  res.setHeader('content-security-policy', PORTAL_CSP);
  sendPage(res, page(title, body, scripts));
}

const ceremony = (mode: 'enroll' | 'verify', csrf: string, rd: string, inner: SafeHtml) =>
  html`<div id="webauthn" data-mode="${mode}" data-csrf="${csrf}" data-rd="${rd}">
    <form id="webauthn-form" class="stack">
      ${csrfField(csrf)}<input type="hidden" name="rd" value="${rd}" /> ${inner}
    </form>
    <p id="webauthn-status" role="status" aria-live="polite"></p>
  </div>`;

/** Refusals of the ceremony calls: the API's shape (`{ error: { code, message } }`) and header. */
function sendJsonError(res: Response, error: JitgateError): void {
  res
    .status(error.status)
    .setHeader('cache-control', 'no-store')
    .setHeader('x-jitgate-error', error.code)
    .json(error.toJSON());
}

const signInFirst = () => new JitgateError(401, 'unauthenticated', 'sign in first');
const stepUpNeeded = () =>
  new JitgateError(403, 'mfa_required', 'adding another factor needs a fresh MFA step-up');

export function webauthnRoutes(deps: WebAuthnRoutesDeps): express.Router {
  const router = express.Router();

  /** Whether `person` may add a factor now (first factor, or a fresh step-up). */
  async function mayEnroll(req: Request, person: MfaPerson): Promise<boolean> {
    const first = (await deps.service.factorsOf(person.user.id)).length === 0;
    return first || (!person.pending && deps.stepUps.isFresh(req));
  }

  /** Runs a JSON ceremony call for the person of this session; refusals become JSON errors. */
  const json =
    (handler: (req: Request, res: Response, person: MfaPerson) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const person = deps.stepUps.personOf(req);
      try {
        if (!person) throw signInFirst();
        await handler(req, res, person);
      } catch (caught) {
        sendJsonError(res, pageError(caught));
      }
    };

  router.get(WEBAUTHN_ENROLL_PATH, async (req, res) => {
    const rd = returnOf(req, deps.redirects);
    const person = deps.stepUps.personOf(req);
    if (!person) return res.redirect(302, loginUrl(rd));
    if (!(await mayEnroll(req, person)))
      return res.redirect(302, verifyUrl(person.pending ? rd : webauthnEnrollUrl(rd)));
    const csrf = csrfToken(req);
    const form = html`<label for="webauthn-name">Name</label>
      <input id="webauthn-name" name="name" maxlength="64" placeholder="e.g. Laptop, YubiKey" />
      <button type="submit">Register passkey</button>`;
    sendCeremonyPage(
      res,
      deps.scripts(),
      'Add a passkey',
      html`<h1>Add a passkey or security key</h1>
        ${who(person)}
        <p>
          Name it so you can tell it apart later, then follow your browser: it asks for the security
          key, or your device's fingerprint, face or PIN.
        </p>
        ${ceremony('enroll', csrf, rd, form)}
        <div id="webauthn-done" hidden>
          <h2>Your recovery codes</h2>
          <p>
            Keep these somewhere safe. Each one works once, in place of your passkey, if you lose
            it. They are shown only now.
          </p>
          <ol id="recovery-codes"></ol>
          <p><a class="button" id="mfa-continue" href="${rd}">Continue</a></p>
        </div>`,
    );
  });

  router.post(
    `${WEBAUTHN_ENROLL_PATH}/options`,
    requireCsrf,
    json(async (req, res, person) => {
      if (!(await mayEnroll(req, person))) throw stepUpNeeded();
      const options = await deps.webauthn.registrationOptions(req.sessionID, person.user);
      res.setHeader('cache-control', 'no-store').json(options);
    }),
  );

  router.post(
    WEBAUTHN_ENROLL_PATH,
    requireCsrf,
    json(async (req, res, person) => {
      if (!(await mayEnroll(req, person))) throw stepUpNeeded();
      const rd = returnOf(req, deps.redirects);
      const { user } = person;
      const body = req.body as Record<string, unknown>;
      const done = await deps.webauthn.register(
        req.sessionID,
        user.id,
        body.response,
        field(req, 'name'),
      );
      await deps.stepUps.passed(req, user, 'webauthn');
      deps.log.info('mfa factor added', { user: user.id, type: 'webauthn', requestId: req.id });
      res.setHeader('cache-control', 'no-store').json({
        factor: done.factor.id,
        name: done.factor.name,
        recoveryCodes: done.recoveryCodes,
        redirect: rd,
      });
    }),
  );

  router.get(WEBAUTHN_VERIFY_PATH, async (req, res) => {
    const rd = returnOf(req, deps.redirects);
    const person = deps.stepUps.personOf(req);
    if (!person) return res.redirect(302, loginUrl(rd));
    const factors = await deps.service.factorsOf(person.user.id);
    if (!factors.some((f) => f.type === 'webauthn')) return res.redirect(302, verifyUrl(rd));
    const csrf = csrfToken(req);
    sendCeremonyPage(
      res,
      deps.scripts(),
      'Verify it is you',
      html`<h1>Verify it is you</h1>
        ${who(person)}
        <p>Use one of your passkeys or security keys.</p>
        ${ceremony('verify', csrf, rd, html`<button type="submit">Use passkey</button>`)}
        <p><a href="${verifyUrl(rd)}">Use another way</a></p>`,
    );
  });

  router.post(
    `${WEBAUTHN_VERIFY_PATH}/options`,
    requireCsrf,
    json(async (req, res, person) => {
      const locked = await deps.service.lockedUntil(person.user.id);
      if (locked !== null)
        throw new JitgateError(429, 'mfa_locked_out', 'too many failed attempts: try later');
      const options = await deps.webauthn.authenticationOptions(req.sessionID, person.user.id);
      res.setHeader('cache-control', 'no-store').json(options);
    }),
  );

  router.post(
    WEBAUTHN_VERIFY_PATH,
    requireCsrf,
    json(async (req, res, person) => {
      const rd = returnOf(req, deps.redirects);
      const { user } = person;
      const body = req.body as Record<string, unknown>;
      const factor = await deps.webauthn.authenticate(req.sessionID, user.id, body.response);
      await deps.stepUps.passed(req, user, 'webauthn');
      deps.log.info('mfa step-up', { user: user.id, method: 'webauthn', requestId: req.id });
      res.setHeader('cache-control', 'no-store').json({ factor, redirect: rd });
    }),
  );

  return router;
}
