/**
 * Step-up state of a session: whether it is fresh (this person, within `stepUpFreshness`), what
 * the access domain is told (Assurance), and how a passed step-up is recorded: in a new session
 * (new id, same person), so an id seen before the second factor is worth nothing after it.
 */
import type { Request } from 'express';
import type { Assurance } from '../../access/step-up.js';
import '../session-types.js';
import type { SessionUser } from '../session-user.js';
import type { StepUpMethod } from './attempts.js';
import './mfa-session.js';

/** How long a login may wait for its second factor. */
export const PENDING_LOGIN_MS = 10 * 60_000;

const promisify = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) =>
    fn((err) =>
      err ? reject(err instanceof Error ? err : new Error('session store failed')) : resolve(),
    ),
  );

/** Who an MFA page is for: the signed-in person, or the one whose login waits for MFA. */
export interface MfaPerson {
  user: SessionUser;
  pending: boolean;
}

export class StepUps {
  constructor(
    readonly freshnessMs: number,
    private readonly now: () => number,
  ) {}

  /** Fresh: a step-up by the session's own user, not older than the freshness window. */
  isFresh(req: Request): boolean {
    const at = this.sessionStepUpAt(req);
    return at !== undefined && this.freshSince(at);
  }

  /** When the session's own user last stepped up, if they did. */
  sessionStepUpAt(req: Request): number | undefined {
    const user = req.session?.user;
    const mfa = req.session?.mfa;
    return user && mfa && mfa.userId === user.id ? mfa.at : undefined;
  }

  private freshSince(at: number): boolean {
    const age = this.now() - at;
    return age >= 0 && age < this.freshnessMs;
  }

  /** What the access domain hears: a session's step-up, or the one a CLI token was issued after. */
  assuranceOf(req: Request): Assurance {
    // Any bearer (a jgt_ token, a machine's IdP token): a cookie riding along proves nothing.
    // A jgt_ token is fresh only from the step-up it was issued after (jitgate login --step-up),
    // for the same window as a session's.
    const caller = req.caller;
    if (caller === undefined || caller.how === 'session') return { mfaFresh: this.isFresh(req) };
    const stepUpAt = caller.how === 'token' ? caller.token?.stepUpAt : undefined;
    return { mfaFresh: stepUpAt !== undefined && this.freshSince(stepUpAt) };
  }

  /** The person MFA pages act for; undefined when nobody is signed in or waiting. */
  personOf(req: Request): MfaPerson | undefined {
    const user = req.session?.user;
    if (user) return { user, pending: false };
    const pending = req.session?.mfaLogin;
    if (pending && this.now() - pending.startedAt < PENDING_LOGIN_MS)
      return { user: pending.user, pending: true };
    return undefined;
  }

  /**
   * Records a passed step-up of `user`: a fresh session id that carries the user (a pending login
   * becomes a signed-in one) and the step-up, and nothing else of the old session.
   */
  async passed(req: Request, user: SessionUser, method: StepUpMethod): Promise<void> {
    const resume = req.session.stepUpResume;
    await promisify((cb) => req.session.regenerate(cb));
    req.session.user = user;
    req.session.mfa = { userId: user.id, at: this.now(), method };
    if (resume?.userId === user.id) req.session.stepUpResume = resume;
    await promisify((cb) => req.session.save(cb));
  }
}
