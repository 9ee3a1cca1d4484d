/**
 * The auditor's view of the audit log: newest events first, filters as a plain GET form (so a
 * filtered view is a link that can be shared), paging by seq, and an on-demand chain check —
 * on demand because it reads the whole log.
 */
import express, { type Request } from 'express';
import type { Authorization } from '../access/authorization.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditCodes } from '../audit/codes.js';
import type { VerifyResult } from '../audit/hash-chain.js';
import { auditFilterFromQuery } from '../audit/query.js';
import type { AuditEvent, AuditFilter } from '../audit/types.js';
import '../identity/session-types.js';
import { forbidden, JitgateError } from '../shared/errors.js';
import { html, page, type SafeHtml } from '../shared/html.js';

export interface AuditPageDeps {
  audit: AuditLog;
  /** Who may read the log (config `auditors.groups`). */
  authorization: Pick<Authorization, 'mayReadAuditLog'>;
}

const PAGE_SIZE = 50;
type FilterKey = 'code' | 'actor' | 'target' | 'from' | 'to';
const DATA_PREVIEW = 300;

const timeText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** The filter fields as typed, to refill the form and carry them into paging links. */
function filterText(req: Request): Record<FilterKey, string> {
  const value = (key: string) => {
    const raw = req.query[key];
    return typeof raw === 'string' ? raw : '';
  };
  return {
    code: value('code'),
    actor: value('actor'),
    target: value('target'),
    from: value('from'),
    to: value('to'),
  };
}

function linkWith(fields: Record<string, string>, extra: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...fields, ...extra })) {
    if (value !== '') params.set(key, value);
  }
  const query = params.toString();
  return query ? `/audit?${query}` : '/audit';
}

function filterForm(fields: Record<FilterKey, string>): SafeHtml {
  const options = auditCodes().map(
    (code) =>
      html`<option value="${code}" ${code === fields.code ? html`selected` : html``}>
        ${code}
      </option>`,
  );
  return html`<form method="get" action="/audit" id="audit-filter">
    <label
      >Code
      <select name="code">
        <option value="">any</option>
        ${options}
      </select></label
    >
    <label>Actor <input name="actor" value="${fields.actor}" size="16" /></label>
    <label>Target <input name="target" value="${fields.target}" size="16" /></label>
    <label>From <input type="date" name="from" value="${fields.from}" /></label>
    <label>To <input type="date" name="to" value="${fields.to}" /></label>
    <button type="submit">Filter</button> <a href="/audit">Clear</a>
  </form>`;
}

function verifyLine(result: VerifyResult | undefined): SafeHtml {
  if (!result)
    return html`<form method="get" action="/audit">
      <input type="hidden" name="verify" value="1" /><button type="submit">Verify chain</button>
    </form>`;
  if (result.ok)
    return html`<p id="verify-result">
      Chain intact: ${result.count} events, head <code>${result.head}</code>
    </p>`;
  return html`<p id="verify-result" class="error">
    Chain broken at seq ${result.seq}: ${result.reason} (${result.detail})
  </p>`;
}

function eventRow(event: AuditEvent): SafeHtml {
  const data = JSON.stringify(event.data);
  const preview = data.length > DATA_PREVIEW ? `${data.slice(0, DATA_PREVIEW)}…` : data;
  return html`<tr data-seq="${String(event.seq)}">
    <td>${String(event.seq)}</td>
    <td>${timeText(event.time)}</td>
    <td><code>${event.code}</code></td>
    <td>${event.actor}</td>
    <td>${event.target ?? ''}</td>
    <td>${event.reason ?? ''}</td>
    <td class="muted">${data === '{}' ? '' : preview}</td>
  </tr>`;
}

export function auditPageRoutes(deps: AuditPageDeps): express.Router {
  const router = express.Router();

  router.get('/audit', async (req, res) => {
    const user = req.session.user;
    if (!user) return res.redirect(`/auth/login?rd=${encodeURIComponent(req.originalUrl)}`);
    if (!deps.authorization.mayReadAuditLog(user))
      throw forbidden('auditor_required', 'the audit log is open to auditors only');

    const fields = filterText(req);
    let filter: AuditFilter | undefined;
    let problem = '';
    try {
      filter = auditFilterFromQuery(req.query, PAGE_SIZE, PAGE_SIZE);
    } catch (error) {
      if (!(error instanceof JitgateError)) throw error;
      problem = error.message;
    }
    const events = filter ? await deps.audit.list({ ...filter, order: 'desc' }) : [];
    const verified = req.query.verify === '1' ? await deps.audit.verify() : undefined;
    const oldest = events.at(-1);
    const paging = [
      filter?.beforeSeq !== undefined ? html`<a href="${linkWith(fields, {})}">Newest</a>` : '',
      oldest && events.length === PAGE_SIZE
        ? html`<a id="older" href="${linkWith(fields, { beforeSeq: String(oldest.seq) })}"
            >Older events</a
          >`
        : '',
    ];
    const rows = events.map(eventRow);
    const body = html`<h1>Audit log</h1>
      <p class="muted">Every event is chained to the previous one by its hash. Times are UTC.</p>
      ${verifyLine(verified)} ${filterForm(fields)}
      ${problem ? html`<p class="error">${problem}</p>` : ''}
      <table id="audit-events">
        <thead>
          <tr>
            <th>Seq</th>
            <th>Time</th>
            <th>Code</th>
            <th>Actor</th>
            <th>Target</th>
            <th>Reason</th>
            <th>Data</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length
              ? rows
              : html`<tr>
                  <td colspan="7" class="muted">No events.</td>
                </tr>`
          }
        </tbody>
      </table>
      <p>${paging}</p>
      <p><a href="/">Back to my access</a></p>`;
    res.type('html').send(page('Audit log', body));
  });

  return router;
}
