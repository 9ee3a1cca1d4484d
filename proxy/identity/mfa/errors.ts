/** The refusals of MFA, with stable codes (docs/api.md). None ever says which part was wrong. */
import { JitgateError } from '../../shared/errors.js';

/** Wrong, malformed or already used: one answer for all, so guessing learns nothing. */
export const codeRefused = () =>
  new JitgateError(400, 'mfa_code_invalid', 'that code is not valid or was already used');

export class MfaLockedOut extends JitgateError {
  constructor(readonly until: number) {
    super(429, 'mfa_locked_out', 'too many failed attempts: step-up is locked for a while');
    this.name = 'MfaLockedOut';
  }
}

export const notEnrolled = () =>
  new JitgateError(409, 'mfa_not_enrolled', 'add a second factor first');

export const unknownFactor = () =>
  new JitgateError(404, 'unknown_factor', 'no such factor of yours');

/** Changing one's factors needs a fresh step-up (the same code as the access domain's). */
export const stepUpFirst = () =>
  new JitgateError(403, 'mfa_required', 'removing a factor needs a fresh MFA step-up');
