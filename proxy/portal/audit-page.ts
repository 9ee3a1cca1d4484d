/**
 * The auditor's view of the audit log (`/audit`): newest events first, in the portal's frame,
 * filtered by person, resource, code and time range as a plain GET form (so a filtered view is a
 * link that can be shared), paging by seq, and an on-demand chain check — on demand because it
 * reads the whole log. `/audit/requests/:id` is where an event's request links lead: the grant
 * it became, or the events around it when it never became one.
 */
import express, { type Request, type Response } from 'express';
import type { AccessRequest } from '../access/request-record.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditCodes } from '../audit/codes.js';
import type { VerifyResult } from '../audit/hash-chain.js';
import { forbidden, JitgateError, notFound } from '../shared/errors.js';
import { html, type SafeHtml } from '../shared/html.js';
import { eventRow } from './audit-event-view.js';
import {
  auditPageFields,
  auditPageFilter,
  type AuditPageFields,
  type AuditPageFilterDeps,
} from './audit-page-filter.js';
import type { PortalDeps } from './deps.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { people } from './people.js';
import { signedInUser } from '../identity/signed-in.js';
import { linkWith } from './trail-table.js';

export interface AuditPageDeps {
  portal: PortalDeps;
  audit: Pick<AuditLog, 'list' | 'verify'>;
  /** Where a request link finds the request. */
  requests: { get(id: string): Promise<AccessRequest | undefined> };
}

const PAGE_SIZE = 50;
const REQUEST_ID = /^req_[A-Za-z0-9_-]{8,64}$/;

function auditorOf(deps: AuditPageDeps, req: Request, res: Response) {
  const user = signedInUser(req, res);
  if (user && !deps.portal.authorization.mayReadAuditLog(user))
    throw forbidden('auditor_required', 'the audit log is open to auditors only');
  return user;
}

function filterForm(deps: AuditPageDeps, fields: AuditPageFields): SafeHtml {
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}" ${value === current ? html`selected` : html``}>${label}</option>`;
  const codes = auditCodes().map((code) => option(code, code, fields.code));
  const resources = deps.portal.resources.map((r) => option(r.id, r.name ?? r.id, fields.resource));
  return html`<form method="get" action="/audit" id="audit-filter" class="filters">
    <label
      >Person
      <input name="person" value="${fields.person}" size="16" placeholder="username or email"
    /></label>
    <label
      >Resource
      <select name="resource">
        <option value="">any</option>
        ${resources}
      </select></label
    >
    <label
      >Event
      <select name="code">
        <option value="">any</option>
        ${codes}
      </select></label
    >
    <label>From <input type="date" name="from" value="${fields.from}" /></label>
    <label>To <input type="date" name="to" value="${fields.to}" /></label>
    <span><button type="submit">Filter</button> <a href="/audit">Clear</a></span>
  </form>`;
}

function verifyLine(result: VerifyResult | undefined): SafeHtml {
  if (!result)
    return html`<form method="get" action="/audit">
      <input type="hidden" name="verify" value="1" />
      <button type="submit" class="secondary">Verify chain</button>
    </form>`;
  if (result.ok)
    return html`<p id="verify-result" class="wrap">
      Chain intact: ${result.count} events, head <code>${result.head}</code>
    </p>`;
  return html`<p id="verify-result" class="error">
    Chain broken at seq ${result.seq}: ${result.reason} (${result.detail})
  </p>`;
}

function eventTable(rows: SafeHtml[]): SafeHtml {
  return html`<table id="audit-events">
    <thead>
      <tr>
        <th>Time (UTC)</th>
        <th>Event</th>
        <th>Who</th>
        <th>Resource</th>
        <th>Details</th>
      </tr>
    </thead>
    <tbody>
      ${
        rows.length
          ? rows
          : html`<tr>
              <td colspan="5" class="muted">No events.</td>
            </tr>`
      }
    </tbody>
  </table>`;
}

async function auditPage(deps: AuditPageDeps, req: Request, res: Response) {
  const user = auditorOf(deps, req, res);
  if (!user) return;
  const fields = auditPageFields(req);
  const filterDeps: AuditPageFilterDeps = {
    users: deps.portal.store.users,
    resources: deps.portal.resources,
  };
  let problem: JitgateError | undefined;
  let rows: SafeHtml[] = [];
  let older = html``;
  let newest = html``;
  try {
    const filter = await auditPageFilter(filterDeps, req.query, PAGE_SIZE);
    const events = await deps.audit.list(filter);
    const ctx = { who: people(deps.portal), resources: deps.portal.resources };
    rows = await Promise.all(events.map((event) => eventRow(ctx, event)));
    const oldest = events.at(-1);
    if (oldest && events.length === PAGE_SIZE) {
      const href = linkWith('/audit', fields, { beforeSeq: String(oldest.seq) });
      older = html`<a id="older" href="${href}">Older events</a>`;
    }
    if (filter.beforeSeq !== undefined)
      newest = html`<a href="${linkWith('/audit', fields, {})}">Newest</a>`;
  } catch (error) {
    // A filter that cannot be read is the asker's mistake: 400, the form kept as typed.
    if (!(error instanceof JitgateError) || error.status !== 400) throw error;
    problem = error;
  }
  const verified = req.query.verify === '1' ? await deps.audit.verify() : undefined;
  const body = html`<h1>Audit log</h1>
    <p class="muted">
      Every event is chained to the previous one by its hash, newest first. Times are UTC.
    </p>
    ${verifyLine(verified)} ${filterForm(deps, fields)}
    ${
      problem
        ? html`<p class="error" id="audit-problem" role="alert">
            ${problem.message} <span class="muted">(${problem.code})</span>
          </p>`
        : eventTable(rows)
    }
    <p>${newest} ${older}</p>`;
  const viewer = await viewerOf(deps.portal, req, user);
  sendPortalPage(res, viewer, '/audit', 'Audit log', body, {
    wide: true,
    status: problem ? 400 : 200,
  });
}

/** A request's link: the grant it became, else its person's events on its resource that day. */
async function requestLink(deps: AuditPageDeps, req: Request, res: Response) {
  if (!auditorOf(deps, req, res)) return;
  const id = req.params.id;
  const request =
    typeof id === 'string' && REQUEST_ID.test(id) ? await deps.requests.get(id) : undefined;
  if (!request) throw notFound('unknown_request', 'no such request');
  if (request.grantId) return res.redirect(302, `/grants/${request.grantId}/trail`);
  const day = new Date(request.createdAt).toISOString().slice(0, 10);
  const query = new URLSearchParams({
    person: request.userId,
    resource: request.resourceId,
    from: day,
  });
  res.redirect(302, `/audit?${query.toString()}`);
}

export function auditPageRoutes(deps: AuditPageDeps): express.Router {
  return express
    .Router()
    .get('/audit', (req, res) => auditPage(deps, req, res))
    .get('/audit/requests/:id', (req, res) => requestLink(deps, req, res));
}
