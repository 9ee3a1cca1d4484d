/**
 * "My access" (`/`): every resource with where this person stands and a request form, and the
 * page of one resource (`/resources/:id`), where the gateway's 403 page sends people.
 */
import express, { type Request, type Response } from 'express';
import { requestOptions, standing, type Standing } from '../access/access-state.js';
import { subjectOf, type SessionUser } from '../identity/session-user.js';
import { notFound } from '../shared/errors.js';
import { html, page } from '../shared/html.js';
import { accessCell, type CellContext } from './access-cell.js';
import type { PortalDeps } from './deps.js';
import { sendPortalPage, viewerOf, type Viewer } from './layout.js';
import { people } from './people.js';
import { requestForm } from './request-form.js';

function signedOut(req: Request, res: Response) {
  res.type('html').send(
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
    ),
  );
}

/** My requests and grants, read once per page, and where I stand with each resource. */
async function standings(deps: PortalDeps, user: SessionUser) {
  const [requests, grants] = await Promise.all([
    deps.queries.listMine(user.id),
    deps.grants.listForUser(user.id),
  ]);
  const now = deps.now();
  return (resourceId: string) => standing(resourceId, requests, grants, now);
}

/** The form under a row: open unless access is live or a request is already waiting. */
function formFor(
  deps: PortalDeps,
  viewer: Viewer,
  resourceId: string,
  access: Standing,
  back: string,
) {
  const resource = deps.resources.find((r) => r.id === resourceId);
  if (!resource) return html``;
  if (access.state === 'pending')
    return html`<p class="muted">Your request is waiting for an approver.</p>`;
  if (access.state === 'scheduled')
    return html`<p class="muted">Your access starts at the scheduled time.</p>`;
  const options = {
    resource,
    may: requestOptions(subjectOf(viewer.user), resourceId, deps.policies, deps.now()),
    csrf: viewer.csrf,
    back,
  };
  if (access.state !== 'active') return requestForm(options);
  return html`<details>
    <summary>Request more time</summary>
    ${requestForm({ ...options, label: 'Request more time' })}
  </details>`;
}

export function myAccessRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const user = req.session.user;
    if (!user) return signedOut(req, res);
    const viewer = await viewerOf(deps, req, user);
    const stateOf = await standings(deps, user);
    const ctx = { csrf: viewer.csrf, now: deps.now(), people: people(deps), back: '/' };
    const rows = await Promise.all(
      deps.resources.map(async (resource) => {
        const access = stateOf(resource.id);
        const cellCtx: CellContext = { ...ctx, origin: deps.appOrigin(resource) };
        return html`<tr data-resource="${resource.id}" data-state="${access.state}">
          <td><a href="/resources/${resource.id}">${resource.name ?? resource.id}</a></td>
          <td class="access">${await accessCell(resource, access, cellCtx)}</td>
          <td>${formFor(deps, viewer, resource.id, access, '/')}</td>
        </tr>`;
      }),
    );
    const body = html`<h1>My access</h1>
      <p>
        Signed in as <strong id="whoami">${user.username}</strong> (${user.email ?? 'no email'}) ·
        groups: ${user.groups.join(', ') || 'none'}
      </p>
      ${
        deps.resources.some((r) => deps.authorization.mayBreakGlass(subjectOf(user), r.id))
          ? html`<p>
              <a href="/break-glass" id="break-glass-link">Emergency access (break-glass)</a>
            </p>`
          : html``
      }
      <table id="my-access">
        <thead>
          <tr>
            <th>Resource</th>
            <th>Access</th>
            <th>Request</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>`;
    sendPortalPage(res, viewer, '/', 'My access', body);
  });

  router.get('/resources/:id', async (req, res) => {
    const resource = deps.resources.find((r) => r.id === req.params.id);
    if (!resource) throw notFound('unknown_resource', 'no such resource');
    const user = req.session.user;
    if (!user) return signedOut(req, res);
    const viewer = await viewerOf(deps, req, user);
    const access = (await standings(deps, user))(resource.id);
    const back = `/resources/${resource.id}`;
    const ctx: CellContext = {
      csrf: viewer.csrf,
      now: deps.now(),
      people: people(deps),
      origin: deps.appOrigin(resource),
      back,
    };
    const name = resource.name ?? resource.id;
    const body = html`<h1>${name}</h1>
      <p>${resource.description ?? ''}</p>
      <div data-resource="${resource.id}" data-state="${access.state}">
        Your access: ${await accessCell(resource, access, ctx)}
      </div>
      <h2 id="request-access">Request access</h2>
      ${formFor(deps, viewer, resource.id, access, back)}
      <p><a href="/">Back to my access</a></p>`;
    sendPortalPage(res, viewer, '', name, body);
  });

  return router;
}
