/**
 * The kinds of second factor a person can have, and what each brings to the shared pages: its
 * name, where to add one, and its part of the step-up page. TOTP is built in; WebAuthn adds one
 * more FactorKind (a "Use your security key" button and its own verify route, which ends in
 * MfaService's attempt() and StepUps.passed() like TOTP does).
 */
import { html, type SafeHtml } from '../../shared/html.js';
import { csrfField } from '../csrf.js';
import type { FactorType } from './factor-record.js';

export interface StepUpFormContext {
  csrf: string;
  /** Where to go after the step-up (already validated). */
  rd: string;
}

export interface FactorKind {
  type: FactorType;
  /** What people call it, e.g. "Authenticator app". */
  label: string;
  /** The page where a person adds one. */
  enrollPath: string;
  /** The part of /mfa/verify that proves a factor of this kind. */
  stepUpForm(ctx: StepUpFormContext): SafeHtml;
}

export const totpKind: FactorKind = {
  type: 'totp',
  label: 'Authenticator app',
  enrollPath: '/mfa/totp/enroll',
  stepUpForm: ({ csrf, rd }) =>
    html`<form method="post" action="/mfa/verify" class="stack" data-form="verify-totp">
      ${csrfField(csrf)}<input type="hidden" name="rd" value="${rd}" />
      <label for="mfa-code">Code from your authenticator app</label>
      <input
        id="mfa-code"
        name="code"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9 ]*"
        maxlength="7"
        required
        autofocus
      />
      <button type="submit">Verify</button>
    </form>`,
};

/** Recovery codes are no factor of their own: they stand in for any, once each. */
export const recoveryForm = ({ csrf, rd }: StepUpFormContext): SafeHtml =>
  html`<details>
    <summary>Use a recovery code</summary>
    <form method="post" action="/mfa/verify" class="stack" data-form="verify-recovery">
      ${csrfField(csrf)}<input type="hidden" name="rd" value="${rd}" />
      <label for="mfa-recovery">Recovery code</label>
      <input id="mfa-recovery" name="recoveryCode" autocomplete="off" maxlength="20" required />
      <button type="submit">Use recovery code</button>
    </form>
  </details>`;
