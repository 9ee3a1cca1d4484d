/**
 * Payroll's own login page (`/login`), for the extension's form credentials: an app that knows
 * nothing of jitgate's headers and wants a username and password. The password is one jitgate
 * minted for a live grant; payroll asks jitgate whether it holds
 * (`POST /api/v1/form-credentials/verify`), like an app asking its directory. Nothing is stored.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

export interface LoginCheck {
  valid: boolean;
  username?: string;
  grant?: string;
}

export type VerifyLogin = (username: string, password: string) => Promise<LoginCheck>;

const MAX_BODY = 8 * 1024;

const escape = (value: string) => value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);

function send(res: ServerResponse, status: number, body: string) {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Payroll sign-in</title></head><body>${body}</body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(page),
    'Cache-Control': 'no-store',
  });
  res.end(page);
}

const FORM = `<h1>Payroll sign-in</h1>
<form id="login" method="post" action="/login">
<p><label>Username <input id="username" name="username" autocomplete="username"></label></p>
<p><label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label></p>
<p><button id="sign-in" type="submit">Sign in</button></p>
</form>`;

/** GET shows the form; POST checks the credential with jitgate. */
export function loginRoute(req: IncomingMessage, res: ServerResponse, verify?: VerifyLogin): void {
  if (!verify) return send(res, 404, '<p>This payroll has no login of its own.</p>');
  if (req.method === 'GET' || req.method === 'HEAD') return send(res, 200, FORM);
  if (req.method !== 'POST') return send(res, 405, '<p>GET or POST</p>');
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const username = form.get('username') ?? '';
    verify(username, form.get('password') ?? '').then(
      (check) =>
        check.valid
          ? send(res, 200, `<p id="login-result">Signed in to payroll as ${escape(username)}</p>`)
          : send(res, 401, `<p id="login-result">Wrong username or password</p>${FORM}`),
      () => send(res, 502, '<p id="login-result">jitgate could not be asked</p>'),
    );
  });
}

/** Asks jitgate at `origin()` (known once it listens) whether the credential holds. */
export function jitgateVerifier(origin: () => string, resource: string): VerifyLogin {
  return (username, password) =>
    new Promise((resolve, reject) => {
      const url = new URL('/api/v1/form-credentials/verify', origin());
      const body = JSON.stringify({ resource, username, password });
      const req = http.request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: 5000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoginCheck);
            } catch (error) {
              reject(error instanceof Error ? error : new Error('bad answer'));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('jitgate did not answer')));
      req.on('error', reject);
      req.end(body);
    });
}
