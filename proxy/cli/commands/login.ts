/**
 * `jitgate login`: machines check their client credentials (env) and are done; people sign in
 * in the browser. The CLI listens on a loopback port, opens /cli/authorize with a PKCE
 * challenge (RFC 8252), receives a one-time code there and trades it with the verifier for a
 * `jgt_` token, saved 0600 in the config folder. `jitgate logout` revokes and forgets it (and
 * keeps one it could not revoke, saying so).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseCommand, proxyUrl } from '../args.js';
import { loadLogin, saveLogin } from '../credentials-file.js';
import { CliError, cliErrorOf, EXIT, exitCodeFor } from '../exit-codes.js';
import { printJson, say } from '../output.js';
import { clientFor, machineFromEnv } from '../session.js';
import { JitgateApiError } from '../../sdk/errors.js';
import { boundedText } from '../../sdk/bounded-body.js';
import { JitgateClient } from '../../sdk/jitgate-client.js';

const USAGE = 'jitgate login [--step-up] [--no-browser] [--json] [--url URL]';
const WAIT_MS = 5 * 60_000;

function openBrowser(url: string) {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    spawn(opener, [url], { stdio: 'ignore', detached: true })
      .on('error', () => undefined)
      .unref();
  } catch {
    // No browser here: the URL is printed as well.
  }
}

/**
 * Serves the redirect on 127.0.0.1 and resolves the code it carries. Any local process can reach
 * the port: only an answer with this login's state ends the wait (a code, or the person's "deny");
 * anything else gets a 400 and is ignored, so a stray or hostile request cannot cancel the login.
 */
async function receiveCode(state: string, onListening: (redirectUri: string) => void) {
  return new Promise<{ code: string; redirectUri: string }>((resolve, reject) => {
    let redirectUri = '';
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/callback') return void res.writeHead(404).end();
      const text = { 'content-type': 'text/plain; charset=utf-8' };
      if (url.searchParams.get('state') !== state)
        return void res.writeHead(400, text).end('jitgate CLI: not this login.\n');
      const ok = !!url.searchParams.get('code');
      res.writeHead(ok ? 200 : 400, text);
      res.end(
        ok ? 'jitgate CLI: signed in. You can close this tab.\n' : 'jitgate CLI: login refused.\n',
      );
      clearTimeout(timer);
      server.close();
      const code = url.searchParams.get('code');
      if (ok && code) resolve({ code, redirectUri });
      else
        reject(
          new CliError(
            `login refused (${url.searchParams.get('error') ?? 'no code'})`,
            EXIT.unauthenticated,
          ),
        );
    });
    const timer = setTimeout(() => {
      server.close();
      reject(new CliError('no answer from the browser within 5 minutes', EXIT.unauthenticated));
    }, WAIT_MS);
    server.listen(0, '127.0.0.1', () => {
      redirectUri = `http://127.0.0.1:${(server.address() as { port: number }).port}/callback`;
      onListening(redirectUri);
    });
  });
}

export async function login(args: string[]) {
  const { values } = parseCommand(
    args,
    { 'no-browser': { type: 'boolean' }, 'step-up': { type: 'boolean' } },
    USAGE,
  );
  const url = proxyUrl(values.url);
  if (machineFromEnv()) {
    const me = await clientFor(url).me();
    if (values.json) return printJson(me);
    return console.error(
      `signed in as machine ${me.user.id} (client credentials from the environment)`,
    );
  }
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const { code, redirectUri } = await receiveCode(state, (redirectUri) => {
    const authorize = new URL('/cli/authorize', url);
    authorize.search = new URLSearchParams({
      redirect_uri: redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      // The portal asks for a fresh second factor first; the token then carries that step-up.
      ...(values['step-up'] ? { step_up: '1' } : {}),
    }).toString();
    const what = values['step-up'] ? 'sign in with an MFA step-up' : 'sign in';
    console.error(`Open this page to ${what} (waiting up to 5 minutes):\n  ${authorize.href}`);
    if (!values['no-browser']) openBrowser(authorize.href);
  });
  let response: Response;
  try {
    response = await fetch(new URL('/cli/token', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: redirectUri,
      }),
    });
  } catch {
    throw new CliError(`cannot reach jitgate at ${url}`, EXIT.unreachable);
  }
  const json = (await boundedText(response)
    .then((text) => JSON.parse(text) as unknown)
    .catch(() => ({}))) as {
    token?: string;
    user?: string;
    expiresAt?: string;
    error?: { code?: string };
  };
  if (response.status >= 500) {
    const code = json.error?.code ?? `http_${response.status}`;
    throw new CliError(`jitgate failed (${code})`, exitCodeFor(response.status, code));
  }
  if (!response.ok || !json.token || !json.user || !json.expiresAt)
    throw new CliError('jitgate refused the login code', EXIT.unauthenticated);
  const path = saveLogin(url, { token: json.token, user: json.user, expiresAt: json.expiresAt });
  if (values.json) return printJson({ user: json.user, expiresAt: json.expiresAt, saved: path });
  say(`signed in as ${json.user} until ${json.expiresAt} (token saved in ${path})`);
}

export async function logout(args: string[]) {
  const { values } = parseCommand(args, {}, 'jitgate logout [--url URL]');
  const url = proxyUrl(values.url);
  const saved = loadLogin(url);
  if (!saved) return console.error(`not logged in to ${url}`);
  // Revoked first: a token merely forgotten would stay valid until it expires.
  try {
    await new JitgateClient({ url, token: saved.token }).revokeCurrentToken();
  } catch (error) {
    // 401: jitgate no longer knows it (revoked, expired), so there is nothing left to revoke.
    // Anything else leaves it valid: it stays saved, for a logout that can still revoke it.
    if (!(error instanceof JitgateApiError && error.status === 401)) {
      const failure = cliErrorOf(error) ?? new CliError('unexpected failure', EXIT.unreachable);
      throw new CliError(
        `the token was not revoked (${failure.message}); it stays valid until ${saved.expiresAt} and stays saved: run jitgate logout again once jitgate answers`,
        failure.exitCode,
      );
    }
  }
  saveLogin(url, undefined);
  console.error(`logged out of ${url}`);
}
