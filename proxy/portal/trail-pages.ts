/**
 * The auditors' web session trail in the portal: one grant's timeline with its request, reason
 * and approvals (`/grants/:id/trail`, filters by status, method and path), its exports
 * (`.jsonl`, `.har`, audited), and a search across all trails (`/trail`). Auditors only
 * (config `auditors.groups`); everyone else gets 403 auditor_required.
 */
import express, { type Request, type Response } from 'express';
import type { SessionUser } from '../identity/session-user.js';
import { forbidden, JitgateError } from '../shared/errors.js';
import { html, type SafeHtml } from '../shared/html.js';
import { resourceOrigin, sendTrailExport, type TrailFormat } from '../trail/export.js';
import { trailFilterFromText, trailPageFromQuery } from '../trail/filter.js';
import { grantContext } from '../trail/grant-context.js';
import { cursorText } from '../trail/trail-repository.js';
import type { PortalDeps } from './deps.js';
import { grantFacts, recordingList, requestFacts, type Recording } from './trail-facts.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { people } from './people.js';
import { trailSearchPage } from './trail-search.js';
import { signedInUser } from '../identity/signed-in.js';
import { fieldsOf, linkWith, trailTable } from './trail-table.js';

export interface TrailPagesDeps {
  portal: PortalDeps;
  store: PortalDeps['store'];
  audit: PortalDeps['audit'];
  /** The browser origin of a resource, for the URLs in a HAR. */
  originOf(resourceId: string): string;
  /** Terminal recordings under a grant (the terminal issue provides them); none → no section. */
  recordings?(grantId: string): Promise<Recording[]>;
}

const PAGE_SIZE = 500;
const GRANT_ID = /^grt_[A-Za-z0-9_-]{8,64}$/;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The signed-in auditor; a redirect to the login (undefined) or a 403 otherwise. */
export function auditorOf(deps: TrailPagesDeps, req: Request, res: Response) {
  const user = signedInUser(req, res);
  if (user && !deps.portal.authorization.mayReadTrails(user))
    throw forbidden('auditor_required', 'web session trails are open to auditors only');
  return user;
}

function grantIdOf(req: Request): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !GRANT_ID.test(id))
    throw new JitgateError(404, 'unknown_grant', 'no such grant');
  return id;
}

function filterForm(action: string, fields: Record<string, string>): SafeHtml {
  const methods = METHODS.map(
    (m) =>
      html`<option value="${m}" ${fields.method === m ? html`selected` : html``}>${m}</option>`,
  );
  return html`<form method="get" action="${action}" id="trail-filter" class="filters">
    <label
      >Status <input name="status" value="${fields.status}" size="4" placeholder="4xx"
    /></label>
    <label
      >Method
      <select name="method">
        <option value="">any</option>
        ${methods}
      </select></label
    >
    <label>Path contains <input name="path" value="${fields.path}" size="20" /></label>
    <button type="submit">Filter</button> <a href="${action}">Clear</a>
  </form>`;
}

async function grantPage(deps: TrailPagesDeps, req: Request, res: Response, user: SessionUser) {
  const context = await grantContext(deps.store, grantIdOf(req));
  const { grant } = context;
  const base = `/grants/${grant.id}/trail`;
  const fields = fieldsOf(req.query, ['status', 'method', 'path']);
  let rows: Awaited<ReturnType<typeof deps.store.trail.byGrant>> = [];
  let problem = '';
  let limit = PAGE_SIZE;
  try {
    const page = trailPageFromQuery(req.query, 'asc', PAGE_SIZE, PAGE_SIZE);
    limit = page.limit;
    rows = await deps.store.trail.byGrant(grant.id, trailFilterFromText(fields), page);
  } catch (error) {
    // A filter that cannot be read is the asker's mistake: 400, the form kept as typed.
    if (!(error instanceof JitgateError) || error.status !== 400) throw error;
    problem = error.message;
  }
  const total = await deps.store.trail.count({ grantId: grant.id });
  const who = people(deps.portal);
  const recordings = (await deps.recordings?.(grant.id)) ?? [];
  const last = rows.at(-1);
  const more =
    last && rows.length === limit
      ? html`<p>
          <a id="trail-next" href="${linkWith(base, fields, { after: cursorText(last) })}"
            >Next requests</a
          >
        </p>`
      : html``;
  const body = html`<h1>Web session trail</h1>
    ${await grantFacts(deps.portal, who, context)} ${await requestFacts(who, context)}
    ${recordingList(recordings)}
    <section id="timeline">
      <h2>Timeline</h2>
      <p>
        ${total} ${total === 1 ? 'request' : 'requests'} recorded. Export the whole trail:
        <a id="export-jsonl" href="${base}.jsonl" download>JSON lines</a> ·
        <a id="export-har" href="${base}.har" download>HAR</a>
      </p>
      ${filterForm(base, fields)} ${problem ? html`<p class="error">${problem}</p>` : html``}
      ${await trailTable(rows)} ${more}
    </section>`;
  const viewer = await viewerOf(deps.portal, req, user);
  sendPortalPage(res, viewer, '', `Trail of ${grant.id}`, body, {
    wide: true,
    status: problem ? 400 : 200,
  });
}

export function trailPageRoutes(
  portal: PortalDeps,
  recordings?: TrailPagesDeps['recordings'],
): express.Router {
  const deps: TrailPagesDeps = {
    portal,
    store: portal.store,
    audit: portal.audit,
    originOf: resourceOrigin(portal.resources, (r) => portal.appOrigin(r)),
    recordings,
  };
  const router = express.Router();
  for (const format of ['har', 'jsonl'] as TrailFormat[]) {
    router.get(`/grants/:id/trail.${format}`, async (req, res) => {
      const user = auditorOf(deps, req, res);
      if (!user) return;
      const { grant } = await grantContext(deps.store, grantIdOf(req));
      await sendTrailExport(res, deps, grant, format, user.id, 'portal');
    });
  }
  router.get('/grants/:id/trail', async (req, res) => {
    const user = auditorOf(deps, req, res);
    if (user) await grantPage(deps, req, res, user);
  });
  router.get('/trail', async (req, res) => {
    const user = auditorOf(deps, req, res);
    if (user) await trailSearchPage(deps, req, res, user);
  });
  return router;
}
