/** Small pieces the MFA routes share: form fields, the checked return address, page answers. */
import type { Request, Response } from 'express';
import { JitgateError } from '../../shared/errors.js';
import { safeRedirect, type RedirectPolicy } from '../redirect.js';

export const field = (req: Request, name: string): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** `rd` from the query (GET) or the form (POST), allowed by redirect.ts; else home. */
export function returnOf(req: Request, redirects: RedirectPolicy): string {
  const raw: unknown = req.method === 'POST' ? field(req, 'rd') : req.query.rd;
  return safeRedirect(raw, redirects);
}

/** MFA pages hold secrets or codes: never cached, and errors carry their code as elsewhere. */
export function sendPage(res: Response, body: string, error?: JitgateError): void {
  res.setHeader('cache-control', 'no-store');
  if (error) res.status(error.status).setHeader('x-jitgate-error', error.code);
  res.type('html').send(body);
}

/** A refusal to show on the page (4xx); anything else is the error handler's. */
export function pageError(error: unknown): JitgateError {
  if (error instanceof JitgateError && error.status < 500) return error;
  throw error;
}

export const loginUrl = (rd: string) => `/auth/login?rd=${encodeURIComponent(rd)}`;
export const verifyUrl = (rd: string) => `/mfa/verify?rd=${encodeURIComponent(rd)}`;
export const enrollUrl = (rd: string) => `/mfa/totp/enroll?rd=${encodeURIComponent(rd)}`;
