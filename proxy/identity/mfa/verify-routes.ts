/**
 * The step-up page, /mfa/verify?rd=…: the person proves a second factor (any kind they have, or
 * a recovery code); the session then gets a new id carrying the step-up, and they go on to `rd`.
 * Someone without a factor is sent to enroll one first. Serves logins waiting for MFA too.
 */
import express, { type Request, type Response } from 'express';
import { csrfToken, requireCsrf } from '../csrf.js';
import type { JitgateError } from '../../shared/errors.js';
import { pageCspWithFormTargets } from '../../shared/html.js';
import type { Logger } from '../../shared/logger.js';
import type { RedirectPolicy } from '../redirect.js';
import { MfaLockedOut } from './errors.js';
import type { FactorKind } from './factor-kinds.js';
import type { MfaService } from './mfa-service.js';
import { verifyPage } from './mfa-pages.js';
import { enrollUrl, field, loginUrl, pageError, returnOf, sendPage } from './route-helpers.js';
import type { MfaPerson, StepUps } from './step-up.js';

export interface VerifyRoutesDeps {
  service: MfaService;
  stepUps: StepUps;
  kinds: readonly FactorKind[];
  redirects: RedirectPolicy;
  /** The app origins: the step-up's answer may lead on to one (rd through /auth/app). */
  formTargets: readonly string[];
  log: Logger;
}

export function verifyRoutes(deps: VerifyRoutesDeps): express.Router {
  const router = express.Router();

  /** The step-up page with the forms of the factor kinds the person has. */
  async function show(
    req: Request,
    res: Response,
    person: MfaPerson,
    rd: string,
    refused?: JitgateError,
  ) {
    const types = new Set((await deps.service.factorsOf(person.user.id)).map((f) => f.type));
    const lockedUntil =
      refused instanceof MfaLockedOut
        ? refused.until
        : await deps.service.lockedUntil(person.user.id);
    const view = {
      person,
      kinds: deps.kinds.filter((kind) => types.has(kind.type)),
      csrf: csrfToken(req),
      rd,
      lockedUntil,
    };
    res.setHeader('content-security-policy', pageCspWithFormTargets(deps.formTargets));
    sendPage(res, verifyPage(refused ? { ...view, error: refused.message } : view), refused);
  }

  router.get('/mfa/verify', async (req, res) => {
    const rd = returnOf(req, deps.redirects);
    const person = deps.stepUps.personOf(req);
    if (!person) return res.redirect(302, loginUrl(rd));
    if ((await deps.service.factorsOf(person.user.id)).length === 0)
      return res.redirect(302, enrollUrl(rd));
    await show(req, res, person, rd);
  });

  router.post('/mfa/verify', requireCsrf, async (req, res) => {
    const rd = returnOf(req, deps.redirects);
    const person = deps.stepUps.personOf(req);
    if (!person) return res.redirect(303, loginUrl(rd));
    const { user } = person;
    const code = field(req, 'code') || field(req, 'recoveryCode');
    try {
      const passed = await deps.service.verify(user.id, code);
      await deps.stepUps.passed(req, user, passed.method);
      deps.log.info('mfa step-up', { user: user.id, method: passed.method, requestId: req.id });
      return res.redirect(303, rd);
    } catch (caught) {
      const error = pageError(caught);
      if (error.code === 'mfa_not_enrolled') return res.redirect(303, enrollUrl(rd));
      await show(req, res, person, rd, error);
    }
  });

  return router;
}
