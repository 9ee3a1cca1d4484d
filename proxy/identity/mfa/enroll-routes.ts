/**
 * Adding an authenticator app, /mfa/totp/enroll?rd=…: the QR code and the key, then the first
 * code confirms it, which is a step-up as well (new session id). A first factor needs no step-up
 * (that is how people get one, and how a login under mfa.atLogin goes on); any further factor
 * does, so a stolen password alone can never add a factor to an account that has one.
 */
import express, { type Request } from 'express';
import { csrfToken, requireCsrf } from '../csrf.js';
import type { Logger } from '../../shared/logger.js';
import type { RedirectPolicy } from '../redirect.js';
import type { MfaService } from './mfa-service.js';
import { enrolledPage, enrollPage } from './mfa-pages.js';
import {
  enrollUrl,
  field,
  loginUrl,
  pageError,
  returnOf,
  sendPage,
  verifyUrl,
} from './route-helpers.js';
import type { MfaPerson, StepUps } from './step-up.js';
import type { TotpEnrollments } from './totp-enrollment.js';

export interface EnrollRoutesDeps {
  service: MfaService;
  enrollments: TotpEnrollments;
  stepUps: StepUps;
  redirects: RedirectPolicy;
  log: Logger;
}

export function enrollRoutes(deps: EnrollRoutesDeps): express.Router {
  const router = express.Router();

  /** Whether `person` may add a factor now; otherwise where to send them. */
  async function gate(req: Request, person: MfaPerson, rd: string) {
    const first = (await deps.service.factorsOf(person.user.id)).length === 0;
    if (first || (!person.pending && deps.stepUps.isFresh(req))) return { first };
    // Step up with a factor they have, then come back here.
    return { redirect: verifyUrl(person.pending ? rd : enrollUrl(rd)) };
  }

  router.get('/mfa/totp/enroll', async (req, res) => {
    const rd = returnOf(req, deps.redirects);
    const person = deps.stepUps.personOf(req);
    if (!person) return res.redirect(302, loginUrl(rd));
    const allowed = await gate(req, person, rd);
    if (allowed.redirect !== undefined) return res.redirect(302, allowed.redirect);
    const enrollment = await deps.enrollments.start(person.user);
    const csrf = csrfToken(req);
    sendPage(res, enrollPage({ person, enrollment, csrf, rd, first: allowed.first }));
  });

  router.post('/mfa/totp/enroll', requireCsrf, async (req, res) => {
    const rd = returnOf(req, deps.redirects);
    const person = deps.stepUps.personOf(req);
    if (!person) return res.redirect(303, loginUrl(rd));
    const allowed = await gate(req, person, rd);
    if (allowed.redirect !== undefined) return res.redirect(303, allowed.redirect);
    const { user } = person;
    const factorId = field(req, 'factor');
    try {
      const done = await deps.enrollments.confirm(
        user.id,
        factorId,
        field(req, 'code'),
        field(req, 'name'),
      );
      await deps.stepUps.passed(req, user, 'totp');
      deps.log.info('mfa factor added', { user: user.id, type: 'totp', requestId: req.id });
      sendPage(res, enrolledPage({ codes: done.recoveryCodes, rd, name: done.factor.name }));
    } catch (caught) {
      const error = pageError(caught);
      const enrollment = await deps.enrollments.pending(user, factorId);
      if (!enrollment) return res.redirect(303, enrollUrl(rd));
      const view = { person, enrollment, csrf: csrfToken(req), rd, first: allowed.first };
      sendPage(res, enrollPage({ ...view, error: error.message }), error);
    }
  });

  return router;
}
