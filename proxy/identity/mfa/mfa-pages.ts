/**
 * The pages of the second factor: step-up (/mfa/verify), TOTP enrollment (/mfa/totp/enroll) and
 * the recovery codes shown once after it. Plain pages like the login's, since a login waiting for
 * its second factor has no portal to show yet.
 */
import { csrfField } from '../csrf.js';
import { html, page, type SafeHtml } from '../../shared/html.js';
import { recoveryForm, type FactorKind } from './factor-kinds.js';
import type { TotpEnrollment } from './totp-enrollment.js';
import type { MfaPerson } from './step-up.js';

const timeText = (ms: number) => new Date(ms).toISOString().slice(11, 16) + ' UTC';

const errorBox = (error: string | undefined) =>
  error ? html`<p class="error" id="mfa-error" role="alert">${error}</p>` : html``;

const who = (person: MfaPerson) =>
  html`<p class="muted">
    ${person.pending ? 'Signing in as' : 'Signed in as'} <strong>${person.user.username}</strong> ·
    <a href="/auth/logout">Sign out</a>
  </p>`;

export interface VerifyView {
  person: MfaPerson;
  kinds: FactorKind[];
  csrf: string;
  rd: string;
  lockedUntil: number | null;
  error?: string;
}

export function verifyPage(view: VerifyView): string {
  const { person, csrf, rd } = view;
  const why = person.pending
    ? 'jitgate asks for your second factor at every sign-in.'
    : 'This action needs a fresh check of your second factor.';
  const forms: SafeHtml =
    view.lockedUntil !== null
      ? html`<p class="error" id="mfa-locked">
          Too many failed attempts. Try again after ${timeText(view.lockedUntil)}.
        </p>`
      : html`${view.kinds.map((kind) => kind.stepUpForm({ csrf, rd }))}
        ${recoveryForm({ csrf, rd })}`;
  return page(
    'Verify it is you',
    html`<h1>Verify it is you</h1>
      ${who(person)}
      <p>${why}</p>
      ${errorBox(view.error)} ${forms}`,
  );
}

export interface EnrollView {
  person: MfaPerson;
  enrollment: TotpEnrollment;
  csrf: string;
  rd: string;
  /** The person's first factor (at login: jitgate wants one before going on). */
  first: boolean;
  error?: string;
}

export function enrollPage(view: EnrollView): string {
  const { enrollment, csrf, rd } = view;
  const intro = view.first
    ? html`<p>
        jitgate asks for a second factor. Scan the QR code with any authenticator app (Google
        Authenticator, Microsoft Authenticator, 1Password, FreeOTP, …), or type the key into it.
      </p>`
    : html`<p>Scan the QR code with your authenticator app, or type the key into it.</p>`;
  return page(
    'Add an authenticator app',
    html`<h1>Add an authenticator app</h1>
      ${who(view.person)} ${intro}
      <p>
        <img
          id="totp-qr"
          src="${enrollment.qrDataUrl}"
          width="232"
          height="232"
          alt="QR code for your authenticator app"
        />
      </p>
      <p>Key: <code id="totp-secret">${enrollment.secret}</code></p>
      ${errorBox(view.error)}
      <form method="post" action="/mfa/totp/enroll" class="stack" data-form="enroll-totp">
        ${csrfField(csrf)}<input type="hidden" name="rd" value="${rd}" />
        <input type="hidden" name="factor" value="${enrollment.factorId}" />
        <label for="totp-name">Name (optional)</label>
        <input id="totp-name" name="name" maxlength="64" placeholder="Authenticator app" />
        <label for="totp-code">Code the app shows now</label>
        <input
          id="totp-code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9 ]*"
          maxlength="7"
          required
        />
        <button type="submit">Confirm</button>
      </form>`,
  );
}

/** After enrollment: the recovery codes, once, and the way on. */
export function enrolledPage(view: { codes: string[] | null; rd: string; name: string }): string {
  const codes = view.codes
    ? html`<h2>Your recovery codes</h2>
        <p>
          Keep these somewhere safe. Each one works once, in place of a code from your app, if you
          lose it. They are shown only now.
        </p>
        <ol id="recovery-codes">
          ${view.codes.map((code) => html`<li><code class="recovery-code">${code}</code></li>`)}
        </ol>`
    : html`<p class="muted">Your recovery codes stay as they were.</p>`;
  return page(
    'Authenticator added',
    html`<h1>Authenticator added</h1>
      <p>"${view.name}" is now a second factor of yours.</p>
      ${codes}
      <p><a class="button" id="mfa-continue" href="${view.rd}">Continue</a></p>`,
  );
}
