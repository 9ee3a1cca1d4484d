/**
 * The access review page for auditors (`/reports/access`): a period, a resource and/or a person
 * as a plain GET form (a review is a link that can be shared), every grant of the period with
 * who, when, how long, why, under which policy, who allowed it, break-glass or not, and links to
 * what was done under it; CSV and JSON of the same review. Reading one is audited.
 */
import express, { type Request } from 'express';
import type { AccessReport, AccessReportRow } from '../access/access-report.js';
import { reportQueryFrom } from '../access/access-report-query.js';
import { signedInUser } from '../identity/signed-in.js';
import { forbidden } from '../shared/errors.js';
import { html, type SafeHtml } from '../shared/html.js';
import { resourceName, type PortalDeps } from './deps.js';
import { formatDuration, timeCell } from './format.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { people, type People } from './people.js';

type Field = 'resource' | 'user' | 'from' | 'to';

function fieldsOf(req: Request): Record<Field, string> {
  const value = (key: Field) => {
    const raw = req.query[key];
    return typeof raw === 'string' ? raw : '';
  };
  return { resource: value('resource'), user: value('user'), from: value('from'), to: value('to') };
}

const apiLink = (fields: Record<Field, string>, format: 'csv' | 'json') => {
  const params = new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== ''));
  params.set('format', format);
  return `/api/v1/reports/access?${params.toString()}`;
};

function form(deps: PortalDeps, fields: Record<Field, string>): SafeHtml {
  const options = deps.resources.map(
    (r) =>
      html`<option value="${r.id}" ${r.id === fields.resource ? html`selected` : html``}>
        ${r.name ?? r.id}
      </option>`,
  );
  return html`<form method="get" action="/reports/access" id="report-filter">
    <label
      >Resource
      <select name="resource">
        <option value="">any</option>
        ${options}
      </select></label
    >
    <label>Person <input name="user" value="${fields.user}" size="16" /></label>
    <label>From <input type="date" name="from" value="${fields.from}" /></label>
    <label>To <input type="date" name="to" value="${fields.to}" /></label>
    <button type="submit">Show</button>
    <a href="${apiLink(fields, 'csv')}" id="report-csv">CSV</a>
    <a href="${apiLink(fields, 'json')}" id="report-json">JSON</a>
  </form>`;
}

async function row(deps: PortalDeps, who: People, r: AccessReportRow): Promise<SafeHtml> {
  const { grant, breakGlass } = r;
  const end = r.endedAt ?? grant.endsAt;
  const allowed = await Promise.all(
    r.allowedBy.map(async (id) => (id === 'policy' || id === 'admin-cli' ? id : who.name(id))),
  );
  const review = breakGlass?.review
    ? html`reviewed ${breakGlass.review.verdict.replace('_', ' ')} by
      ${await who.name(breakGlass.review.reviewerId)}: ${breakGlass.review.comment}`
    : html`<strong class="overdue">not reviewed</strong>`;
  const sessions = r.sessions.map(
    (s) => html`<a href="/sessions/${s.id}">${s.login} ${timeCell(s.startedAt)}</a>`,
  );
  return html`<tr data-grant="${grant.id}">
    <td>${await who.name(grant.userId)}</td>
    <td>${resourceName(deps, grant.resourceId)}</td>
    <td>${timeCell(grant.startsAt)}</td>
    <td>${formatDuration(Math.max(0, end - grant.startsAt))}</td>
    <td>${r.state.state === 'ended' ? r.state.end : r.state.state}</td>
    <td class="reason">${grant.reason ?? ''} ${r.ticket ? html`(${r.ticket})` : html``}</td>
    <td>${r.policyId ?? 'admin grant'}</td>
    <td>${allowed.join(', ')}</td>
    <td>
      ${
        breakGlass
          ? html`<span class="badge break-glass">BREAK-GLASS</span> ${breakGlass.incident};
              ${review}`
          : html`no`
      }
    </td>
    <td>
      ${sessions}
      <a href="/grants/${grant.id}/trail">web trail (${r.trailRequests})</a>
    </td>
  </tr>`;
}

/** What the last scan found on the targets: access that needs no grant at all. */
function standingSection(deps: PortalDeps, resourceId: string | undefined): SafeHtml {
  const found = deps.standing.findings.filter(
    (f) => resourceId === undefined || f.resource === resourceId,
  );
  const items = found.map(
    (f) =>
      html`<li data-standing="${f.resource}">
        ${resourceName(deps, f.resource)}: <strong>${f.principal ?? 'unknown'}</strong>
        (${f.kind === 'scan_failed' ? 'scan failed' : f.detail})
      </li>`,
  );
  return html`<h2>Standing privilege on the targets</h2>
    ${
      items.length > 0
        ? html`<ul id="standing">
            ${items}
          </ul>`
        : html`<p class="muted" id="standing">None found by the last scan.</p>`
    }`;
}

async function table(deps: PortalDeps, report: AccessReport): Promise<SafeHtml> {
  if (report.rows.length === 0) return html`<p class="muted">No grants in this period.</p>`;
  const who = people(deps);
  const rows = await Promise.all(report.rows.map((r) => row(deps, who, r)));
  return html`<table id="access-report">
      <thead>
        <tr>
          <th>Who</th>
          <th>Resource</th>
          <th>From</th>
          <th>How long</th>
          <th>State</th>
          <th>Why</th>
          <th>Policy</th>
          <th>Allowed by</th>
          <th>Break-glass</th>
          <th>What was done</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${
      report.truncated
        ? html`<p class="muted">Cut short: narrow the period, the resource or the person.</p>`
        : html``
    }`;
}

export function accessReportPageRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();

  router.get('/reports/access', async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    if (!deps.authorization.mayReadAccessReports(user))
      throw forbidden('auditor_required', 'access reviews are open to auditors only');
    const fields = fieldsOf(req);
    const query = await reportQueryFrom(fields, {
      users: deps.store.users,
      resourceIds: deps.resources.map((r) => r.id),
      now: deps.now(),
    });
    await deps.audit.record({
      code: 'access_report.read',
      actor: user.id,
      target: query.resourceId ?? query.userId ?? null,
      data: { ...query, format: 'html', via: 'portal' },
    });
    const report = await deps.reports.build(query);
    const viewer = await viewerOf(deps, req, user);
    const period = html`<p class="muted" id="report-period">
      ${timeCell(query.from)} – ${timeCell(query.to)}
    </p>`;
    const body = html`<h1>Access review</h1>
      ${form(deps, fields)} ${period} ${await table(deps, report)}
      ${standingSection(deps, query.resourceId)}`;
    sendPortalPage(res, viewer, '/reports/access', 'Access review', body);
  });

  return router;
}
