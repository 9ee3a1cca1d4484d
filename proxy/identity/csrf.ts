/**
 * CSRF protection for the forms of jitgate's own pages (portal, MFA, CLI and extension sign-in):
 * a random synchronizer token per session, sent back in the hidden `_csrf` field and compared in
 * constant time. It lives with the session, in identity/, so every area that renders a form may
 * use it without importing another's pages. SameSite cookies alone are not enough:
 * `lax` still lets sibling hosts (every *.localhost app behind jitgate) post to the portal.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ErrorCode } from '../shared/error-codes.js';
import { html, page, type SafeHtml } from '../shared/html.js';
import './session-types.js';

export const CSRF_FIELD = '_csrf';

/** This session's token, created on first use. */
export function csrfToken(req: Request): string {
  req.session.csrf ??= randomBytes(32).toString('base64url');
  return req.session.csrf;
}

export const csrfField = (token: string): SafeHtml =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${token}" />`;

export function csrfMatches(expected: string | undefined, given: unknown): boolean {
  if (typeof expected !== 'string' || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // timingSafeEqual throws on different lengths; the length of a random token is no secret.
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses every POST whose `_csrf` is not this session's token, with a page saying so. */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  const body = req.body as Record<string, unknown> | undefined;
  if (req.method !== 'POST' || csrfMatches(req.session?.csrf, body?.[CSRF_FIELD])) return next();
  res
    .status(403)
    .setHeader('x-jitgate-error', 'csrf_refused' satisfies ErrorCode)
    .type('html')
    .send(
      page(
        'Form refused',
        html`<h1>This form could not be accepted</h1>
          <p class="error">
            The form was not sent from this jitgate session (it may be from an old page or another
            site). Nothing was changed.
          </p>
          <p class="muted">Code <code>csrf_refused</code> · request ${req.id}</p>
          <p><a href="/">Back to my access</a></p>`,
      ),
    );
}
