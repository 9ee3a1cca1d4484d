/**
 * What the portal keeps in a person's session: a one-shot flash message that the page after a
 * form's redirect shows once. (The CSRF token is identity's: identity/csrf.ts.)
 */
import type { Request } from 'express';
import '../identity/session-types.js';
import { isBackgroundRequest } from '../shared/navigation.js';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
  /** Sentences behind the message (policy reasons), shown as a list. */
  details?: string[];
}

declare module 'express-session' {
  interface SessionData {
    flash?: Flash;
  }
}

export function setFlash(req: Request, flash: Flash): void {
  req.session.flash = flash;
}

/**
 * The pending flash, removed from the session so a reload does not show it again. Only a page a
 * person navigates to takes it: the live script's re-fetch of the page a form came from can
 * reach the server between the form's answer and the browser's navigation to the page it names,
 * and would otherwise show the message to a page that is being left.
 */
export function takeFlash(req: Request): Flash | undefined {
  if (isBackgroundRequest(req)) return undefined;
  const flash = req.session.flash;
  if (flash) delete req.session.flash;
  return flash;
}
