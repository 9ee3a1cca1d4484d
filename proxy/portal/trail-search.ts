/**
 * `/trail`: a search across every grant's trail by person (username, email or id), resource,
 * path, status and time range, newest first. Filters are a plain GET form, so a search is a link.
 */
import type { Request, Response } from 'express';
import type { SessionUser } from '../identity/session-user.js';
import { JitgateError } from '../shared/errors.js';
import { html, type SafeHtml } from '../shared/html.js';
import { TRAIL_QUERY_KEYS, trailFilterFromQuery, trailPageFromQuery } from '../trail/filter.js';
import { cursorText } from '../trail/trail-repository.js';
import type { TrailPagesDeps } from './trail-pages.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { people } from './people.js';
import { fieldsOf, linkWith, trailTable } from './trail-table.js';

const PAGE_SIZE = 200;

function searchForm(deps: TrailPagesDeps, fields: Record<string, string>): SafeHtml {
  const resources = deps.portal.resources
    .filter((r) => r.kind === 'web')
    .map(
      (r) =>
        html`<option value="${r.id}" ${fields.resource === r.id ? html`selected` : html``}>
          ${r.name ?? r.id}
        </option>`,
    );
  const input = (name: string, label: string, size: number, type = 'text') =>
    html`<label
      >${label} <input name="${name}" type="${type}" value="${fields[name]}" size="${size}"
    /></label>`;
  return html`<form method="get" action="/trail" id="trail-search" class="filters">
    ${input('person', 'Person', 14)}
    <label
      >Resource
      <select name="resource">
        <option value="">any</option>
        ${resources}
      </select></label
    >
    ${input('path', 'Path contains', 16)} ${input('method', 'Method', 6)}
    ${input('status', 'Status', 4)} ${input('from', 'From', 10, 'date')}
    ${input('to', 'To', 10, 'date')}
    <button type="submit">Search</button> <a href="/trail">Clear</a>
  </form>`;
}

export async function trailSearchPage(
  deps: TrailPagesDeps,
  req: Request,
  res: Response,
  user: SessionUser,
): Promise<void> {
  const fields = fieldsOf(req.query, TRAIL_QUERY_KEYS);
  let rows: Awaited<ReturnType<typeof deps.store.trail.search>> = [];
  let problem = '';
  let limit = PAGE_SIZE;
  try {
    const page = trailPageFromQuery(req.query, 'desc', PAGE_SIZE, PAGE_SIZE);
    limit = page.limit;
    rows = await deps.store.trail.search(
      await trailFilterFromQuery(fields, deps.store.users),
      page,
    );
  } catch (error) {
    // A filter that cannot be read is the asker's mistake: 400, the form kept as typed.
    if (!(error instanceof JitgateError) || error.status !== 400) throw error;
    problem = error.message;
  }
  const who = people(deps.portal);
  const oldest = rows.at(-1);
  const older =
    oldest && rows.length === limit
      ? html`<p>
          <a id="trail-older" href="${linkWith('/trail', fields, { before: cursorText(oldest) })}"
            >Older requests</a
          >
        </p>`
      : html``;
  const body = html`<h1>Web session trails</h1>
    <p class="muted">
      Every request people made to web apps under a grant, newest first. Times are UTC.
    </p>
    ${searchForm(deps, fields)} ${problem ? html`<p class="error">${problem}</p>` : html``}
    ${await trailTable(rows, { withGrant: who })} ${older}`;
  const viewer = await viewerOf(deps.portal, req, user);
  sendPortalPage(res, viewer, '/trail', 'Web session trails', body, {
    wide: true,
    status: problem ? 400 : 200,
  });
}
