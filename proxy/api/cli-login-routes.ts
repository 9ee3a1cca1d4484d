/**
 * `jitgate login` for people: jitgate is the authorization server of its own CLI (RFC 8252,
 * native apps). The CLI opens /cli/authorize with a loopback redirect and a PKCE challenge; the
 * signed-in person confirms on a page with a CSRF token; the CLI gets a one-time code at its
 * loopback and trades it, with the PKCE verifier, at POST /cli/token for a `jgt_` bearer token.
 * Codes live one minute in the store (hashed) and are redeemed once, on any replica.
 *
 * `jitgate login --step-up` asks with `step_up=1`: the person passes a fresh MFA step-up first
 * (the portal's own /mfa/verify, then back here), and the token carries when, so it counts as
 * fresh for `mfa.stepUpFreshness` from then: break-glass and other step-up actions work from the
 * CLI without ever skipping the second factor.
 */
import { createHash } from 'node:crypto';
import express from 'express';
import { z } from 'zod';
import type { StepUps } from '../identity/mfa/step-up.js';
import type { SessionUser } from '../identity/session-user.js';
import { csrfField, csrfToken, requireCsrf } from '../identity/csrf.js';
import { mintUnderSignIn } from '../identity/mint-under-sign-in.js';
import { signedInUser } from '../identity/signed-in.js';
import { badRequest } from '../shared/errors.js';
import { OneTimeCodes } from '../shared/one-time-codes.js';
import type { OneTimeCodeRepository, RateLimitRepository } from '../store/types.js';
import { html, page } from '../shared/html.js';
import { parseBody } from './body.js';
import type { TokenService } from './token-service.js';
import { packedLink, unpacked } from './packed-query.js';

export interface CliLoginDeps {
  tokens: Pick<TokenService, 'issue' | 'revoke'>;
  stepUps: Pick<StepUps, 'isFresh' | 'sessionStepUpAt' | 'freshnessMs'>;
  /** Whether a portal session is live, asked of the store (mint-under-sign-in.ts). */
  liveSession(sid: string, userId: string): Promise<boolean>;
  /** Where the one-time codes are kept. */
  codes: OneTimeCodeRepository;
  /** Counts the codes each person starts (OneTimeCodes' perOwner). */
  counters: RateLimitRepository;
  now: () => number;
}

const CODE_TTL_MS = 60_000;
const CLI_TOKEN_TTL_MS = 12 * 3_600_000;
const MAX_CODES = 1000;
/** Per person and minute: a few tries of `jitgate login`, far below MAX_CODES. */
const MAX_CODES_PER_PERSON = 10;
/** RFC 8252 §7.3: loopback IP literals (and localhost) on any port, plain http. */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d{1,5}\/[\w\-./]*$/;
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:* http://[::1]:*; frame-ancestors 'none'; base-uri 'none'";

const authorizeQuery = z.object({
  redirect_uri: z.string().max(200).regex(LOOPBACK, 'must be a loopback http URL'),
  state: z.string().min(8).max(200),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an S256 challenge'),
  code_challenge_method: z.literal('S256'),
  step_up: z.literal('1').optional(),
});
const decisionBody = authorizeQuery.extend({
  _csrf: z.string(),
  decision: z.enum(['allow', 'deny']),
});
const tokenBody = z
  .object({
    grant_type: z.literal('authorization_code'),
    code: z.string().min(10).max(100),
    code_verifier: z.string().min(43).max(128),
    redirect_uri: z.string().max(200),
  })
  .strict();

interface PendingCode {
  user: SessionUser;
  challenge: string;
  redirectUri: string;
  /** The step-up the person passed for this login (step_up=1), carried into the token. */
  stepUpAt?: number;
}

/** The authorize link to come back to after a step-up. */
const authorizeAgain = (q: z.infer<typeof authorizeQuery>) =>
  packedLink('/cli/authorize', {
    redirect_uri: q.redirect_uri,
    state: q.state,
    code_challenge: q.code_challenge,
    code_challenge_method: q.code_challenge_method,
    step_up: q.step_up,
  });

const isPendingCode = (value: unknown): value is PendingCode => {
  const p = value as Partial<PendingCode> | null;
  return (
    typeof p?.challenge === 'string' &&
    typeof p.redirectUri === 'string' &&
    typeof p.user?.id === 'string' &&
    (p.stepUpAt === undefined || typeof p.stepUpAt === 'number')
  );
};

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export function cliLoginRoutes(deps: CliLoginDeps): express.Router {
  const router = express.Router();
  const codes = new OneTimeCodes<PendingCode>({
    repo: deps.codes,
    kind: 'cli-login',
    ttlMs: CODE_TTL_MS,
    now: deps.now,
    max: MAX_CODES,
    perOwner: { max: MAX_CODES_PER_PERSON, counters: deps.counters },
    parse: (value) => (isPendingCode(value) ? value : undefined),
  });

  router.get('/cli/authorize', (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const query = authorizeQuery.safeParse(unpacked(req.query));
    if (!query.success) throw badRequest('invalid_cli_request', 'not a jitgate CLI login link');
    const q = query.data;
    // A login that should carry a step-up sends the person through one first, then back here.
    if (q.step_up && !deps.stepUps.isFresh(req))
      return res.redirect(303, `/mfa/verify?rd=${encodeURIComponent(authorizeAgain(q))}`);
    const minutes = Math.round(deps.stepUps.freshnessMs / 60_000);
    const stepUpNote = q.step_up
      ? html`<p>
          <strong>With your MFA step-up:</strong> for ${minutes} minutes from it, the CLI may also
          do what needs a fresh second factor, such as breaking the glass.
        </p>`
      : html``;
    const hidden = (name: string, value: string) =>
      html`<input type="hidden" name="${name}" value="${value}" />`;
    res
      .setHeader('content-security-policy', CSP)
      .type('html')
      .send(
        page(
          'Allow the jitgate CLI?',
          html`<h1>Allow the jitgate CLI?</h1>
            <p>
              A <code>jitgate login</code> on this computer asks to act as
              <strong>${user.username}</strong> for up to 12 hours: list resources, request and
              release access, approve what you may approve.
            </p>
            ${stepUpNote}
            <p class="muted">It will receive the answer at ${q.redirect_uri}</p>
            <form method="post" action="/cli/authorize">
              ${csrfField(csrfToken(req))} ${hidden('redirect_uri', q.redirect_uri)}
              ${hidden('state', q.state)} ${hidden('code_challenge', q.code_challenge)}
              ${hidden('code_challenge_method', q.code_challenge_method)}
              ${q.step_up ? hidden('step_up', q.step_up) : html``}
              <button type="submit" name="decision" value="allow">Allow</button>
              <button type="submit" name="decision" value="deny">Deny</button>
            </form>`,
        ),
      );
  });

  router.post('/cli/authorize', requireCsrf, async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const body = decisionBody.safeParse(req.body);
    if (!body.success) throw badRequest('invalid_cli_request', 'not a jitgate CLI login form');
    const back = new URL(body.data.redirect_uri);
    back.searchParams.set('state', body.data.state);
    if (body.data.decision === 'deny') {
      back.searchParams.set('error', 'access_denied');
      return res.redirect(303, back.href);
    }
    // Asked again at the answer: the step-up may have gone stale while the page was open.
    const stepUpAt = body.data.step_up ? deps.stepUps.sessionStepUpAt(req) : undefined;
    if (body.data.step_up && (stepUpAt === undefined || !deps.stepUps.isFresh(req)))
      return res.redirect(303, `/mfa/verify?rd=${encodeURIComponent(authorizeAgain(body.data))}`);
    const code = await mintUnderSignIn(
      () => deps.liveSession(req.sessionID, user.id),
      () =>
        codes.issue(
          {
            user,
            challenge: body.data.code_challenge,
            redirectUri: body.data.redirect_uri,
            ...(stepUpAt !== undefined ? { stepUpAt } : {}),
          },
          user.id,
        ),
      (unsent) => codes.redeem(unsent),
    );
    back.searchParams.set('code', code);
    res.redirect(303, back.href);
  });

  router.post('/cli/token', async (req, res) => {
    const body = parseBody(tokenBody, req.body);
    // Once, whatever happens next; the token is handed out only if no sign-out took the code.
    const issued = await codes.redeemFor(
      body.code,
      (pending) =>
        pending.redirectUri === body.redirect_uri && s256(body.code_verifier) === pending.challenge,
      (pending) =>
        deps.tokens.issue(pending.user, 'jitgate CLI', CLI_TOKEN_TTL_MS, pending.stepUpAt),
      async ({ record }) => void (await deps.tokens.revoke(record, record.userId)),
    );
    if (!issued) throw badRequest('invalid_grant', 'the code is unknown, used or expired');
    const { token, record } = issued;
    res.setHeader('cache-control', 'no-store').json({
      token,
      id: record.id,
      user: record.userId,
      expiresAt: new Date(record.expiresAt).toISOString(),
    });
  });

  return router;
}
