/**
 * The extension's sign-in (extension-logins.ts explains the flow): the connect page on the
 * portal origin (a signed-in person, a CSRF token, the extension's id shown), the token endpoint
 * (code + PKCE verifier, or a refresh token), and sign-out. The redirect must be the callback
 * page of a Chrome or Firefox extension; nothing else receives a code. With `step_up=1` (the
 * extension's Emergency access) the person passes a fresh MFA step-up first and the token carries
 * it, for `mfa.stepUpFreshness`, as `jitgate login --step-up` does for the CLI.
 */
import express from 'express';
import { z } from 'zod';
import { csrfField, csrfToken, requireCsrf } from '../identity/csrf.js';
import type { StepUps } from '../identity/mfa/step-up.js';
import { mintUnderSignIn } from '../identity/mint-under-sign-in.js';
import { signedInUser } from '../identity/signed-in.js';
import { badRequest, forbidden } from '../shared/errors.js';
import { html, page } from '../shared/html.js';
import { requireCaller } from './authenticate.js';
import { parseBody } from './body.js';
import type { ExtensionLogins, Issued } from './extension-logins.js';
import { packedLink, unpacked } from './packed-query.js';
import type { TokenService } from './token-service.js';

/** Chrome ids are 32 letters a–p; Firefox gives each install a UUID. Only callback.html. */
export const EXTENSION_REDIRECT =
  /^(chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/callback\.html$/;

const connectQuery = z.object({
  redirect_uri: z.string().max(200).regex(EXTENSION_REDIRECT, 'must be an extension callback URL'),
  state: z.string().min(16).max(200),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an S256 challenge'),
  code_challenge_method: z.literal('S256'),
  step_up: z.literal('1').optional(),
});
const decisionBody = connectQuery.extend({
  _csrf: z.string(),
  decision: z.enum(['allow', 'deny']),
});
const tokenBody = z.discriminatedUnion('grant_type', [
  z
    .object({
      grant_type: z.literal('authorization_code'),
      code: z.string().min(10).max(100),
      code_verifier: z.string().min(43).max(128),
      redirect_uri: z.string().max(200),
    })
    .strict(),
  z
    .object({ grant_type: z.literal('refresh_token'), refresh_token: z.string().min(10).max(100) })
    .strict(),
]);
const emptyBody = z.object({}).strict();

export interface ExtensionRoutesDeps {
  logins: ExtensionLogins;
  tokens: Pick<TokenService, 'revoke'>;
  /** Ends the live streams opened with a credential that just ended. */
  endCredential(credential: string): void;
  stepUps: Pick<StepUps, 'isFresh' | 'sessionStepUpAt' | 'freshnessMs'>;
  /** Whether a portal session is live, asked of the store (mint-under-sign-in.ts). */
  liveSession(sid: string, userId: string): Promise<boolean>;
}

type ConnectQuery = z.infer<typeof connectQuery>;

/** The step-up page, then back to this connect link. */
const stepUpFirst = (q: ConnectQuery) =>
  `/mfa/verify?rd=${encodeURIComponent(
    packedLink('/extension/connect', {
      redirect_uri: q.redirect_uri,
      state: q.state,
      code_challenge: q.code_challenge,
      code_challenge_method: q.code_challenge_method,
      step_up: q.step_up,
    }),
  )}`;

const tokenAnswer = (issued: Issued) => ({
  token: issued.token,
  id: issued.tokenId,
  expiresAt: new Date(issued.expiresAt).toISOString(),
  refreshToken: issued.refreshToken,
  refreshExpiresAt: new Date(issued.refreshExpiresAt).toISOString(),
});

/** Portal pages (behind the session): the consent page and its form. */
export function extensionConnectRoutes(deps: ExtensionRoutesDeps): express.Router {
  const router = express.Router();

  router.get('/extension/connect', (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const query = connectQuery.safeParse(unpacked(req.query));
    if (!query.success) throw badRequest('invalid_connect_request', 'not a jitgate extension link');
    const q = query.data;
    // A sign-in that should carry a step-up sends the person through one first, then back here.
    if (q.step_up && !deps.stepUps.isFresh(req)) return res.redirect(303, stepUpFirst(q));
    const minutes = Math.round(deps.stepUps.freshnessMs / 60_000);
    const stepUpNote = q.step_up
      ? html`<p id="step-up-note">
          <strong>With your MFA step-up:</strong> for ${minutes} minutes from it, the extension may
          also do what needs a fresh second factor: your emergency access goes through once you
          connect.
        </p>`
      : html``;
    const extension = new URL(q.redirect_uri);
    // URL.origin is "null" for non-web schemes: spell the extension's origin out.
    const extensionOrigin = `${extension.protocol}//${extension.host}`;
    const hidden = (name: string, value: string) =>
      html`<input type="hidden" name="${name}" value="${value}" />`;
    // The form's answer redirects to the extension: CSP form-action covers redirects too.
    const csp = `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${extensionOrigin}; frame-ancestors 'none'; base-uri 'none'`;
    res
      .setHeader('content-security-policy', csp)
      .type('html')
      .send(
        page(
          'Connect the jitgate extension?',
          html`<h1>Connect the jitgate extension?</h1>
            <p>
              The browser extension <code id="extension-id">${extension.host}</code> asks to act as
              <strong>${user.username}</strong>: list resources, request and release access, approve
              what you may approve, and carry your grants into the apps.
            </p>
            ${stepUpNote}
            <p class="muted">
              It gets a token for one hour at a time, renewed while your login lasts.
            </p>
            <form method="post" action="/extension/connect">
              ${csrfField(csrfToken(req))} ${hidden('redirect_uri', q.redirect_uri)}
              ${hidden('state', q.state)} ${hidden('code_challenge', q.code_challenge)}
              ${hidden('code_challenge_method', q.code_challenge_method)}
              ${q.step_up ? hidden('step_up', q.step_up) : html``}
              <button type="submit" name="decision" value="allow">Connect</button>
              <button type="submit" name="decision" value="deny">Cancel</button>
            </form>`,
        ),
      );
  });

  router.post('/extension/connect', requireCsrf, async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const body = decisionBody.safeParse(req.body);
    if (!body.success) throw badRequest('invalid_connect_request', 'not a jitgate extension form');
    const back = new URL(body.data.redirect_uri);
    back.searchParams.set('state', body.data.state);
    if (body.data.decision === 'deny') {
      back.searchParams.set('error', 'access_denied');
      return res.redirect(303, back.href);
    }
    // Asked again at the answer: the step-up may have gone stale while the page was open.
    const stepUpAt = body.data.step_up ? deps.stepUps.sessionStepUpAt(req) : undefined;
    if (body.data.step_up && (stepUpAt === undefined || !deps.stepUps.isFresh(req)))
      return res.redirect(303, stepUpFirst(body.data));
    const code = await mintUnderSignIn(
      () => deps.liveSession(req.sessionID, user.id),
      () => deps.logins.issueCode(user, body.data.code_challenge, body.data.redirect_uri, stepUpAt),
      (unsent) => deps.logins.dropCode(unsent),
    );
    back.searchParams.set('code', code);
    res.redirect(303, back.href);
  });

  return router;
}

/** Under /api/v1: the token endpoint (no caller needed) and sign-out (the bearer itself). */
export function extensionApiRoutes(deps: ExtensionRoutesDeps): express.Router {
  const router = express.Router();

  router.post('/extension/token', async (req, res) => {
    const body = parseBody(tokenBody, req.body);
    const issued =
      body.grant_type === 'authorization_code'
        ? await deps.logins.redeem(body.code, body.code_verifier, body.redirect_uri)
        : await deps.logins.refresh(body.refresh_token);
    res.setHeader('cache-control', 'no-store').json(tokenAnswer(issued));
  });

  router.post('/extension/sign-out', async (req, res) => {
    const caller = requireCaller(req);
    parseBody(emptyBody, req.body);
    if (!caller.token) throw forbidden('token_required', 'sign out with the extension’s token');
    await deps.tokens.revoke(caller.token, caller.user.id);
    deps.endCredential(caller.credential);
    res.json({ revoked: caller.token.id });
  });

  return router;
}
