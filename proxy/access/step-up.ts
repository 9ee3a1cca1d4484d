/**
 * Step-up MFA as the access domain sees it: policy says which actions need a fresh second factor,
 * the caller says whether it has one. Proving the factor is identity's business (identity/mfa);
 * here the answer is only yes or no, so the domain stays free of sessions and HTTP.
 */
import { JitgateError } from '../shared/errors.js';

/** What the caller proved beyond the login. Bearer tokens never carry a step-up. */
export interface Assurance {
  /** A step-up by this same person within the configured freshness window. */
  mfaFresh: boolean;
}

/** The actions policy can guard with `mfa.<action>` (docs/mfa.md lists each; a test checks). */
export const STEP_UP_ACTIONS = ['request', 'approve', 'terminal'] as const;
/** Break-glass always asks for a fresh step-up; no policy key turns it off. */
export type StepUpAction = (typeof STEP_UP_ACTIONS)[number] | 'break_glass';

const STEP_UP_NOUNS: Record<StepUpAction, string> = {
  request: 'request',
  approve: 'decision',
  terminal: 'terminal',
  break_glass: 'break-glass request',
};

/** 403 `mfa_required`: the action would go ahead after a step-up. */
export class StepUpRequired extends JitgateError {
  constructor(readonly action: StepUpAction) {
    super(403, 'mfa_required', `this ${STEP_UP_NOUNS[action]} needs a fresh MFA step-up`);
    this.name = 'StepUpRequired';
  }
}

/** Throws StepUpRequired when policy asks for a step-up the caller does not have. */
export function requireStepUp(action: StepUpAction, needed: boolean, assurance: Assurance): void {
  if (needed && !assurance.mfaFresh) throw new StepUpRequired(action);
}
