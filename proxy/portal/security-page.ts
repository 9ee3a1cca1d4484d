/**
 * "Security" (`/mfa`): my second factors (add, remove), how many recovery codes are left, and
 * whether my last step-up is still fresh. Removing a factor needs a fresh step-up: whoever holds
 * only a session must not be able to strip the factors that guard it.
 */
import express from 'express';
import { RECOVERY_CODE_COUNT } from '../identity/mfa/recovery-codes.js';
import { JitgateError } from '../shared/errors.js';
import { html } from '../shared/html.js';
import { csrfField, requireCsrf } from '../identity/csrf.js';
import type { PortalDeps } from './deps.js';
import { timeCell } from './format.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { setFlash } from './session.js';
import { signedInUser } from '../identity/signed-in.js';
import { resumeAfterStepUp } from './step-up-resume.js';

export function securityRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();
  const { mfa } = deps;

  router.get('/mfa', async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const viewer = await viewerOf(deps, req, user);
    const [factors, codesLeft] = await Promise.all([
      mfa.service.factorsOf(user.id),
      mfa.service.recoveryCodesLeft(user.id),
    ]);
    const label = (type: string) => mfa.kinds.find((k) => k.type === type)?.label ?? type;
    const rows = factors.map(
      (factor) =>
        html`<tr data-factor="${factor.id}" data-type="${factor.type}">
          <td class="factor-name">${factor.name}</td>
          <td>${label(factor.type)}</td>
          <td>added ${timeCell(factor.confirmedAt ?? factor.createdAt)}</td>
          <td>
            <form method="post" action="/mfa/factors/${factor.id}/remove" class="inline">
              ${csrfField(viewer.csrf)}
              <button type="submit" class="danger">Remove</button>
            </form>
          </td>
        </tr>`,
    );
    const last = req.session.mfa;
    const fresh = mfa.stepUps.isFresh(req) && last !== undefined;
    const stepUp = fresh
      ? html`Your last step-up counts until ${timeCell(last.at + mfa.stepUps.freshnessMs)}.`
      : html`Actions that need a step-up will ask for your second factor.`;
    const body = html`<h1>Security</h1>
      <p id="step-up-state">${stepUp}</p>
      <h2>Second factors</h2>
      ${
        rows.length > 0
          ? html`<table id="mfa-factors">
              <tbody>
                ${rows}
              </tbody>
            </table>`
          : html`<p class="muted" id="mfa-factors">You have no second factor yet.</p>`
      }
      <p>
        ${mfa.kinds.map(
          (kind) =>
            html`<a class="button" href="${kind.enrollPath}?rd=%2Fmfa">Add ${kind.label}</a> `,
        )}
      </p>
      <h2>Recovery codes</h2>
      <p id="recovery-codes-left">
        ${codesLeft} of ${RECOVERY_CODE_COUNT} recovery codes left. Each works once, in place of a
        second factor.
      </p>`;
    sendPortalPage(res, viewer, '/mfa', 'Security', body);
  });

  router.post('/mfa/factors/:id/remove', requireCsrf, async (req, res) => {
    const user = req.session.user;
    if (!user) return res.redirect(303, '/');
    const assurance = deps.assurance(req);
    if (!assurance.mfaFresh) return resumeAfterStepUp(req, res, user, deps.now());
    try {
      const factor = await mfa.service.remove(user.id, String(req.params.id), assurance);
      setFlash(req, { kind: 'ok', text: `Removed "${factor.name}".` });
    } catch (error) {
      if (!(error instanceof JitgateError) || error.status >= 500) throw error;
      setFlash(req, { kind: 'error', text: `Refused: ${error.message}` });
    }
    res.redirect(303, '/mfa');
  });

  return router;
}
