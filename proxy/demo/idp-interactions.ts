/**
 * The demo IdP's own login pages (oidc-provider's devInteractions are a dev-only stand-in).
 * This file knows nothing of oidc-provider: `idp.ts` hands it an {@link InteractionPort}.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoUser, IdpLog } from './idp.js';

/** What the login pages need from the provider. */
export interface InteractionPort {
  /** The interaction named by the request's cookie, or undefined when it expired or never was. */
  find(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ uid: string; prompt: string } | undefined>;
  /** Records a successful login and redirects back into the authorization flow. */
  login(req: IncomingMessage, res: ServerResponse, user: DemoUser): Promise<void>;
  /** Grants everything the pending consent prompt asks for and redirects back. */
  consent(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface InteractionRoutesOptions {
  /** Path the IdP is mounted at, e.g. `/idp`; form actions are absolute paths under it. */
  prefix: string;
  users: readonly DemoUser[];
  port: InteractionPort;
  log: IdpLog;
}

/** Answers the request and resolves true when it is an interaction route; false otherwise. */
export type InteractionRoutes = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,128})(\/login)?\/?$/;
const MAX_FORM_BYTES = 8 * 1024;
const INVALID_LOGIN = 'Invalid username or password';
const EXPIRED = 'This sign-in attempt has expired. Go back to the application and sign in again.';

export function createInteractionRoutes(options: InteractionRoutesOptions): InteractionRoutes {
  const { prefix, port, log } = options;
  const users = new Map(options.users.map((user) => [user.username, user]));

  const loginForm = (res: ServerResponse, status: number, uid: string, username = '', error = '') =>
    sendPage(
      res,
      status,
      'Sign in',
      loginFormHtml(`${prefix}/interaction/${uid}/login`, username, error),
    );

  async function show(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const interaction = await port.find(req, res);
    if (interaction?.uid !== uid) return sendPage(res, 400, 'Sign-in expired', paragraph(EXPIRED));
    if (interaction.prompt === 'login') return loginForm(res, 200, uid);
    // The demo has no consent screen: every scope and claim a registered client asks for is granted.
    if (interaction.prompt === 'consent') return port.consent(req, res);
    sendPage(res, 400, 'Unsupported', paragraph(`Unsupported prompt: ${interaction.prompt}`));
  }

  async function submit(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const interaction = await port.find(req, res);
    if (interaction?.uid !== uid || interaction.prompt !== 'login') {
      return sendPage(res, 400, 'Sign-in expired', paragraph(EXPIRED));
    }
    const form = await readForm(req, res);
    if (!form) return;
    const username = form.get('username') ?? '';
    const user = users.get(username);
    // Compare against a dummy for unknown users too, so timing does not reveal who exists.
    const ok = passwordMatches(form.get('password') ?? '', user?.password ?? '\0no-such-user');
    if (!user || !ok) {
      log('idp login failed');
      return loginForm(res, 401, uid, username, INVALID_LOGIN);
    }
    await port.login(req, res, user);
  }

  return async (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path !== '/interaction' && !path.startsWith('/interaction/')) return false;
    const match = ROUTE.exec(path);
    const uid = match?.[1];
    try {
      if (uid && !match[2] && req.method === 'GET') await show(req, res, uid);
      else if (uid && match[2] && req.method === 'POST') await submit(req, res, uid);
      else sendPage(res, 404, 'Not found', paragraph('Not found'));
    } catch (error) {
      log('idp interaction error', { error: error instanceof Error ? error.message : 'unknown' });
      if (!res.headersSent) sendPage(res, 500, 'Error', paragraph('Something went wrong.'));
      else res.destroy();
    }
    return true;
  };
}

/** Hashing first gives equal-length inputs, which timingSafeEqual requires. */
export function passwordMatches(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Reads a urlencoded body of at most MAX_FORM_BYTES; answers the error itself and resolves undefined. */
export function readForm(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<URLSearchParams | undefined> {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    sendPage(res, 415, 'Unsupported', paragraph('Expected a form submission.'));
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM_BYTES) return void chunks.push(chunk);
      // Not destroying the request lets the 413 reach the client; `close` ends the upload.
      req.off('data', onData).off('end', onEnd).resume();
      res.setHeader('Connection', 'close');
      sendPage(res, 413, 'Too large', paragraph('Form too large.'));
      resolve(undefined);
    };
    const onEnd = () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    req.on('data', onData).on('end', onEnd).once('error', reject);
  });
}

function loginFormHtml(action: string, username: string, error: string): string {
  return `<h1>jitgate demo IdP</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label>Username <input name="username" autocomplete="username" required autofocus value="${escapeHtml(username)}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`;
}

export const paragraph = (text: string): string =>
  `<h1>jitgate demo IdP</h1><p>${escapeHtml(text)}</p>`;

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A complete HTML page; `body` must already be escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}
label,input,button{display:block;width:100%;margin:.4rem 0}input,button{padding:.5rem;box-sizing:border-box}
.error{color:#b00020}</style></head>
<body>${body}</body></html>`;
}

export function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  // No form-action here: Chromium applies it to the redirects back to the client after login.
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(page(title, body));
}
