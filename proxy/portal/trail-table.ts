/**
 * The trail as a table, shared by the grant timeline and the search: one row per request or
 * WebSocket, oldest first within a grant. Bodies (resources that opted in) fold out.
 */
import type { StoredTrailRecord } from '../../recorder/trail/index.js';
import { html, type SafeHtml } from '../shared/html.js';

/** "2025-03-01 14:05:09.123": the trail is read to the millisecond. */
const preciseTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

function sizeText(bytes: number): string {
  if (bytes < 0) return '?';
  if (bytes < 10_000) return `${bytes} B`;
  if (bytes < 10_000_000) return `${Math.round(bytes / 1024)} KiB`;
  return `${Math.round(bytes / 1048576)} MiB`;
}

function bodyCell(record: StoredTrailRecord): SafeHtml {
  const body = record.body;
  if (!body) return html``;
  const summary = `body ${sizeText(body.size)}${body.note ? `, ${body.note.replace('_', ' ')}` : ''}`;
  if (body.text === null) return html`<span class="muted">${summary}</span>`;
  return html`<details>
    <summary>${summary}</summary>
    <pre class="trail-body">${body.text}</pre>
  </details>`;
}

function statusClass(record: StoredTrailRecord): string {
  if (record.status >= 500 || record.status === 0 || record.ended !== 'complete') return 'error';
  if (record.status >= 400) return 'state-pending';
  return '';
}

/** How it ended, when that is not simply "it ran to its end" (record.ts, TrailEnd). */
const END_TEXT = { complete: '', cut: 'cut', open: 'still open', crashed: 'crashed' } as const;

export interface TrailTableOptions {
  /** Columns for the search: who and under which grant. */
  withGrant?: { name(userId: string): Promise<string> };
}

export async function trailTable(
  rows: readonly StoredTrailRecord[],
  options: TrailTableOptions = {},
): Promise<SafeHtml> {
  if (rows.length === 0) return html`<p class="muted" id="trail-empty">No requests recorded.</p>`;
  const who = options.withGrant;
  const cells = await Promise.all(
    rows.map(async (r) => {
      const target = r.query === '' ? r.path : `${r.path}?${r.query}`;
      const ws =
        r.kind === 'websocket'
          ? html`<br /><span class="muted"
                >WebSocket: ${r.wsMessagesIn} in, ${r.wsMessagesOut} out</span
              >`
          : html``;
      return html`<tr
        data-id="${String(r.id)}"
        data-kind="${r.kind}"
        data-status="${String(r.status)}"
        data-ended="${r.ended}"
      >
        <td class="nowrap">
          <time datetime="${new Date(r.time).toISOString()}">${preciseTime(r.time)}</time>
        </td>
        ${
          who
            ? html`<td>${await who.name(r.userId)}</td>
                <td>${r.resourceId}</td>
                <td><a href="/grants/${r.grantId}/trail">${r.grantId}</a></td>`
            : html``
        }
        <td class="nowrap"><code>${r.method}</code></td>
        <td class="trail-path"><span class="target">${target}</span>${ws} ${bodyCell(r)}</td>
        <td class="${statusClass(r)}">
          <span class="nowrap">${r.status === 0 ? '—' : String(r.status)}</span>
          ${r.ended === 'complete' ? html`` : html`<br /><small>${END_TEXT[r.ended]}</small>`}
        </td>
        <td class="nowrap">${sizeText(r.bytesIn)} / ${sizeText(r.bytesOut)}</td>
        <td class="nowrap">${r.durationMs.toFixed(1)} ms</td>
        <td class="muted" title="${r.userAgent}">${r.clientAddress}</td>
      </tr>`;
    }),
  );
  // Every column stays in view: long paths and ids wrap (portal CSS) rather than push the
  // right-hand columns behind a scroll. The user agent is the client cell's tooltip.
  return html`<div class="trail-table">
    <table id="trail">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          ${
            who
              ? html`<th>Person</th>
                  <th>Resource</th>
                  <th>Grant</th>`
              : html``
          }
          <th>Method</th>
          <th>Path</th>
          <th>Status</th>
          <th>In / out</th>
          <th>Duration</th>
          <th>Client</th>
        </tr>
      </thead>
      <tbody>
        ${cells}
      </tbody>
    </table>
  </div>`;
}

/** A link to the same page with `extra` merged into the current filter fields. */
export function linkWith(
  base: string,
  fields: Record<string, string>,
  extra: Record<string, string>,
) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...fields, ...extra }))
    if (value !== '') params.set(key, value);
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

/** The filter fields as typed, to refill a form and carry them into paging links. */
export function fieldsOf(query: Record<string, unknown>, keys: readonly string[]) {
  const fields: Record<string, string> = {};
  for (const key of keys) fields[key] = typeof query[key] === 'string' ? query[key] : '';
  return fields;
}
