/** What MFA keeps in an express-session. */
import type { SessionUser } from '../session-user.js';
import type { StepUpMethod } from './attempts.js';

/** The last step-up of this session: by whom, when, how. */
export interface MfaSessionState {
  /** Must equal session.user.id to count: a step-up is never carried over to someone else. */
  userId: string;
  at: number;
  method: StepUpMethod;
}

/** A login that passed OIDC and waits for its second factor (mfa.atLogin): no user yet. */
export interface PendingLogin {
  user: SessionUser;
  startedAt: number;
}

/** A portal form refused for want of a step-up, to send again once the person has one. */
export interface StepUpResume {
  userId: string;
  path: string;
  fields: Record<string, string>;
  at: number;
}

declare module 'express-session' {
  interface SessionData {
    mfa?: MfaSessionState;
    mfaLogin?: PendingLogin;
    stepUpResume?: StepUpResume;
  }
}
