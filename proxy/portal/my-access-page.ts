/**
 * "My access" (`/`): every resource with where this person stands, and below the list one request
 * form for the resources they may ask for now; and the page of one resource (`/resources/:id`),
 * where the gateway's 403 page sends people. Where one stands and what one may ask for are
 * access-state's answers (the API gives the same); the pages only lay them out.
 */
import express, { type Request, type Response } from 'express';
import { requestOptions, standing, type Standing } from '../access/access-state.js';
import type { ResourceConfig } from '../config/schema.js';
import { subjectOf, type SessionUser } from '../identity/session-user.js';
import { notFound } from '../shared/errors.js';
import { html, page } from '../shared/html.js';
import { accessCell, type CellContext } from './access-cell.js';
import type { PortalDeps } from './deps.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { people } from './people.js';
import { requestForm, type RequestChoice } from './request-form.js';

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

/** A resource, where this person stands with it, and what they may ask of it now. */
interface Row extends RequestChoice {
  access: Standing;
}

/** My requests and grants, read once per page, and one row per resource from them. */
async function rowsOf(deps: PortalDeps, user: SessionUser, resources: readonly ResourceConfig[]) {
  const [requests, grants] = await Promise.all([
    deps.queries.listMine(user.id),
    deps.grants.listForUser(user.id),
  ]);
  const now = deps.now();
  const subject = subjectOf(user);
  return resources.map((resource): Row => ({
    resource,
    access: standing(resource.id, requests, grants, now),
    may: requestOptions(subject, resource.id, deps.policies, now),
  }));
}

/** Whether a new request can be made now: not while one waits or access is scheduled. */
const askable = (access: Standing) => access.state !== 'pending' && access.state !== 'scheduled';

const extending = (rows: readonly Row[]) =>
  new Set(rows.filter((r) => r.access.state === 'active').map((r) => r.resource.id));

/** A resource page's form: the answer for this one resource, or why there is none. */
function formFor(row: Row, csrf: string) {
  if (row.access.state === 'pending')
    return html`<p class="muted">Your request is waiting for an approver.</p>`;
  if (row.access.state === 'scheduled')
    return html`<p class="muted">Your access starts at the scheduled time.</p>`;
  return requestForm({
    choices: [row],
    csrf,
    back: `/resources/${row.resource.id}`,
    extending: extending([row]),
  });
}

/** A link that opens the one form with this resource chosen, for rows that can ask. */
const requestLink = ({ resource, access, may }: Row) =>
  askable(access) && may.requestable
    ? html`<a href="/?resource=${encodeURIComponent(resource.id)}#request-access" class="ask"
        >${access.state === 'active' ? 'More time' : 'Request'}</a
      >`
    : html``;

export function myAccessRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const user = req.session.user;
    if (!user) return signedOut(req, res);
    const viewer = await viewerOf(deps, req, user);
    const rows = await rowsOf(deps, user, deps.resources);
    const ctx = { csrf: viewer.csrf, now: deps.now(), people: people(deps), back: '/' };
    const lines = await Promise.all(
      rows.map(async (row) => {
        const { resource, access } = row;
        const cellCtx: CellContext = { ...ctx, origin: deps.appOrigin(resource) };
        return html`<tr data-resource="${resource.id}" data-state="${access.state}">
          <td class="keep">
            <a href="/resources/${resource.id}">${resource.name ?? resource.id}</a>
          </td>
          <td class="access">${await accessCell(resource, access, cellCtx)}</td>
          <td class="nowrap">${requestLink(row)}</td>
        </tr>`;
      }),
    );
    const open = rows.filter((r) => askable(r.access));
    const form = requestForm({
      choices: open,
      csrf: viewer.csrf,
      back: '/',
      selected: typeof req.query.resource === 'string' ? req.query.resource : undefined,
      extending: extending(open),
    });
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
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${lines}
        </tbody>
      </table>
      <h2 id="request-access">Request access</h2>
      ${form}`;
    sendPortalPage(res, viewer, '/', 'My access', body);
  });

  router.get('/resources/:id', async (req, res) => {
    const resource = deps.resources.find((r) => r.id === req.params.id);
    if (!resource) throw notFound('unknown_resource', 'no such resource');
    const user = req.session.user;
    if (!user) return signedOut(req, res);
    const viewer = await viewerOf(deps, req, user);
    const [row] = await rowsOf(deps, user, [resource]);
    if (!row) throw notFound('unknown_resource', 'no such resource');
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
      <div data-resource="${resource.id}" data-state="${row.access.state}">
        Your access: ${await accessCell(resource, row.access, ctx)}
      </div>
      <h2 id="request-access">Request access</h2>
      ${formFor(row, viewer.csrf)}
      <p><a href="/">Back to my access</a></p>`;
    sendPortalPage(res, viewer, '', name, body);
  });

  return router;
}
