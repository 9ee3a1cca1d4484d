/**
 * Server-rendered portal pages, usable without the extension: "My access" and a page per
 * resource (where the gateway's "Request access" leads).
 */
import express, { type Request } from 'express';
import type { GrantService } from '../access/grant-service.js';
import { isLive } from '../access/grant-book.js';
import type { ResourceConfig } from '../config/schema.js';
import '../identity/session-types.js';
import { notFound } from '../shared/errors.js';
import { html, page } from '../shared/html.js';
import type { GrantRecord } from '../store/types.js';

export interface PortalDeps {
  grants: GrantService;
  resources: readonly ResourceConfig[];
  appOrigin(resource: ResourceConfig): string | undefined;
  now: () => number;
}

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function accessCell(
  resource: ResourceConfig,
  live: GrantRecord | undefined,
  origin: string | undefined,
) {
  if (!live) return html`<span class="muted">no access</span>`;
  const open = origin ? html` <a class="button" href="${origin}/">Open</a>` : html``;
  return html`<strong>active</strong> until ${time(live.endsAt)}${open}`;
}

export function portalRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();

  const signedOut = (req: Request) =>
    page(
      'Sign in',
      html`<h1>jitgate</h1>
        <p>
          Just-in-time access to internal apps. Nothing is standing: every access is asked for,
          allowed, and ends by itself.
        </p>
        <p>
          <a class="button" href="/auth/login?rd=${encodeURIComponent(req.originalUrl)}">Sign in</a>
        </p>`,
    );

  router.get('/', async (req, res) => {
    const user = req.session.user;
    if (!user) return res.type('html').send(signedOut(req));
    const grants = await deps.grants.listForUser(user.id);
    const now = deps.now();
    const rows = deps.resources.map((resource) => {
      const live = grants.find((g) => g.resourceId === resource.id && isLive(g, now));
      return html`<tr data-resource="${resource.id}">
        <td><a href="/resources/${resource.id}">${resource.name ?? resource.id}</a></td>
        <td>${accessCell(resource, live, deps.appOrigin(resource))}</td>
      </tr>`;
    });
    const body = html`<h1>My access</h1>
      <p>
        Signed in as <strong id="whoami">${user.username}</strong> (${user.email ?? 'no email'}) ·
        groups: ${user.groups.join(', ') || 'none'} · <a href="/auth/logout">Sign out</a>
      </p>
      <table>
        <thead>
          <tr>
            <th>Resource</th>
            <th>Access</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>`;
    res.type('html').send(page('My access', body));
  });

  router.get('/resources/:id', async (req, res) => {
    const resource = deps.resources.find((r) => r.id === req.params.id);
    if (!resource) throw notFound('unknown_resource', 'no such resource');
    const user = req.session.user;
    if (!user) return res.type('html').send(signedOut(req));
    const grants = await deps.grants.listForUser(user.id);
    const live = grants.find((g) => g.resourceId === resource.id && isLive(g, deps.now()));
    const body = html`<h1>${resource.name ?? resource.id}</h1>
      <p>${resource.description ?? ''}</p>
      <p>Your access: ${accessCell(resource, live, deps.appOrigin(resource))}</p>
      ${
        live
          ? html``
          : html`<h2 id="request-access">Request access</h2>
              <p>
                An administrator grants time-boxed access with
                <code>jitgate grant ${user.username} ${resource.id} --for 30m</code>. Access ends by
                itself.
              </p>`
      }
      <p><a href="/">Back to my access</a></p>`;
    res.type('html').send(page(resource.name ?? resource.id, body));
  });

  return router;
}
