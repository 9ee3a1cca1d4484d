/**
 * What the browser extension carries for a live grant of a web app: the session credential it
 * adds as a header (gateway/grant-credentials.ts), and, for apps with their own login form, a
 * per-grant username and password it fills in. Only the grantee gets them, answers are never
 * cached, and neither the log nor the audit trail sees a value. Apps verify form logins here.
 */
import express from 'express';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { ResourceConfig, WebResourceConfig } from '../config/schema.js';
import type { FormCredentials } from '../credentials/form-credentials.js';
import type { GrantCredentials } from '../gateway/grant-credentials.js';
import type { SessionUser } from '../identity/session-user.js';
import { notFound } from '../shared/errors.js';
import type { GrantRecord } from '../store/types.js';
import { requireCaller } from './authenticate.js';
import { parseBody, parseId } from './body.js';

export interface GrantCredentialRoutesDeps {
  grantCredentials: Pick<GrantCredentials, 'liveGrant' | 'mint'>;
  formCredentials: FormCredentials;
  resources: readonly ResourceConfig[];
  appOrigin(resource: ResourceConfig): string | undefined;
  audit: Pick<AuditLog, 'record'>;
  now: () => number;
}

const emptyBody = z.object({}).strict();
const verifyBody = z
  .object({
    resource: z.string().min(1).max(64),
    username: z.string().min(1).max(200),
    password: z.string().min(1).max(2048),
  })
  .strict();

interface Held {
  user: SessionUser;
  grant: GrantRecord;
  resource: WebResourceConfig;
  origin: string;
}

export function grantCredentialRoutes(deps: GrantCredentialRoutesDeps): express.Router {
  const router = express.Router();

  /** The caller's own live grant of a web app; anything else is the same 404. */
  async function held(req: express.Request): Promise<Held> {
    const { user } = requireCaller(req);
    const id = parseId('grt', req.params.id, 'invalid_grant_id');
    const grant = await deps.grantCredentials.liveGrant(id, deps.now);
    const resource = deps.resources.find((r) => r.id === grant?.resourceId);
    const origin = resource ? deps.appOrigin(resource) : undefined;
    if (!grant || grant.userId !== user.id || resource?.kind !== 'web' || !origin)
      throw notFound('unknown_grant', 'no live grant of yours for a web app');
    return { user, grant, resource, origin };
  }

  router.post('/grants/:id/session-credential', async (req, res) => {
    const { user, grant, origin } = await held(req);
    parseBody(emptyBody, req.body);
    // Bound to the caller's sign-in: when it ends (logout, revoked token), so does this.
    const { credential } = requireCaller(req);
    const minted = deps.grantCredentials.mint(user, grant, origin, deps.now(), credential);
    await deps.audit.record({
      code: 'credential.minted',
      actor: user.id,
      target: grant.resourceId,
      data: { kind: 'session-credential', grant: grant.id, expiresAt: minted.expiresAt },
    });
    res.setHeader('cache-control', 'no-store').json({
      grant: grant.id,
      origin,
      header: minted.header,
      value: minted.value,
      expiresAt: new Date(minted.expiresAt).toISOString(),
    });
  });

  router.post('/grants/:id/form-credential', async (req, res) => {
    const { user, grant, resource, origin } = await held(req);
    parseBody(emptyBody, req.body);
    if (!resource.formLogin)
      throw notFound('no_form_login', `${resource.id} has no formLogin in the configuration`);
    const { username, password } = deps.formCredentials.mint(user, grant, origin);
    await deps.audit.record({
      code: 'credential.minted',
      actor: user.id,
      target: grant.resourceId,
      data: { kind: 'form-login', grant: grant.id, username },
    });
    res.setHeader('cache-control', 'no-store').json({
      grant: grant.id,
      origin,
      loginPath: resource.formLogin.loginPath,
      selectors: {
        username: resource.formLogin.usernameSelector,
        password: resource.formLogin.passwordSelector,
        submit: resource.formLogin.submitSelector,
      },
      username,
      password,
      expiresAt: new Date(grant.endsAt).toISOString(),
    });
  });

  // Called by apps (server to server), not people: the credential itself is the proof.
  router.post('/form-credentials/verify', async (req, res) => {
    const body = parseBody(verifyBody, req.body);
    const found = await deps.formCredentials.verify(
      body.username,
      body.password,
      body.resource,
      deps.now,
    );
    res.setHeader('cache-control', 'no-store');
    if (!found) return void res.json({ valid: false });
    res.json({
      valid: true,
      username: found.username,
      user: found.user,
      grant: found.grant,
      expiresAt: new Date(found.expiresAt).toISOString(),
    });
  });

  return router;
}
