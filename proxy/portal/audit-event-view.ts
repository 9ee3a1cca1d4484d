/**
 * One audit event as a row people can read: the time as a date, who and what as names that link
 * to more (the person's and the resource's events, the grant's page, the request), and the
 * event's data as labelled fields — durations as durations, epoch-millisecond times as dates —
 * rather than raw JSON. What an event holds is decided where it is recorded; this file only
 * shows it, so an unknown key still appears (labelled from its name, its value as text).
 */
import { AUDIT_CODES } from '../audit/codes.js';
import type { AuditEvent, JsonValue } from '../audit/types.js';
import type { ResourceConfig } from '../config/schema.js';
import { html, type SafeHtml } from '../shared/html.js';
import { formatDuration } from './format.js';
import type { People } from './people.js';

export interface EventViewContext {
  who: People;
  resources: readonly ResourceConfig[];
}

/** "2025-03-01 14:05:09": the log is read to the second; the page says the times are UTC. */
export const auditTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** Epoch ms from 2001 on: a number this large under a time-like key is a time, not a count. */
const EPOCH_MS_FLOOR = 1e12;
const TIME_KEY = /(?:At|Before|After|Time|time)$/;
const DURATION_KEY = /Ms$/;
/** Long fingerprints and hashes: the start tells them apart; the whole value is the tooltip. */
const LONG_TOKEN = 24;

const LABELS: Record<string, string> = {
  user: 'Person',
  grant: 'Grant',
  request: 'Request',
  resource: 'Resource',
  session: 'Session',
  durationMs: 'Duration',
  startsAt: 'Starts',
  endsAt: 'Ends',
  keyId: 'Key id',
  sha256: 'SHA-256',
  ca: 'CA',
};

/** "validBefore" → "Valid before"; one place so every unknown key reads the same way. */
function labelOf(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

const resourceOf = (ctx: EventViewContext, id: string) => ctx.resources.find((r) => r.id === id);

/** A person's name linking to what they did; actors that are not people stay plain text. */
export async function personLink(ctx: EventViewContext, id: string): Promise<SafeHtml> {
  const name = await ctx.who.name(id);
  const known = await ctx.who.get(id);
  if (!known) return html`${name}`;
  return html`<a href="/audit?person=${encodeURIComponent(id)}" title="${id}">${name}</a>`;
}

/** A resource's name linking to its events; other targets (an IdP, a token) as they are. */
export function targetLink(ctx: EventViewContext, id: string | null): SafeHtml {
  if (id === null) return html``;
  const resource = resourceOf(ctx, id);
  if (!resource) return html`${id}`;
  return html`<a href="/audit?resource=${encodeURIComponent(id)}" title="${id}"
    >${resource.name ?? id}</a
  >`;
}

function scalarText(value: JsonValue): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function plainValue(key: string, value: JsonValue): SafeHtml {
  if (typeof value === 'number' && TIME_KEY.test(key) && value >= EPOCH_MS_FLOOR)
    return html`<time datetime="${new Date(value).toISOString()}">${auditTime(value)}</time>`;
  if (typeof value === 'number' && DURATION_KEY.test(key) && value >= 0)
    return html`${formatDuration(value)}`;
  if (Array.isArray(value)) return html`${value.map(scalarText).join(', ')}`;
  if (value !== null && typeof value === 'object')
    return html`${Object.entries(value)
      .map(([k, v]) => `${k}: ${scalarText(v)}`)
      .join(', ')}`;
  const text = scalarText(value);
  if (text.length > LONG_TOKEN && !/\s/.test(text))
    return html`<code title="${text}">${text.slice(0, LONG_TOKEN)}…</code>`;
  return html`${text}`;
}

async function fieldValue(ctx: EventViewContext, key: string, value: JsonValue) {
  if (typeof value !== 'string') return plainValue(key, value);
  switch (key) {
    case 'grant':
      return html`<a href="/grants/${encodeURIComponent(value)}/trail">${value}</a>`;
    case 'request':
      return html`<a href="/audit/requests/${encodeURIComponent(value)}">${value}</a>`;
    case 'session':
      return html`<a href="/sessions/${encodeURIComponent(value)}">${value}</a>`;
    case 'user':
      return personLink(ctx, value);
    case 'resource':
      return targetLink(ctx, value);
    default:
      return plainValue(key, value);
  }
}

export async function eventFields(ctx: EventViewContext, event: AuditEvent): Promise<SafeHtml> {
  const entries = Object.entries(event.data);
  const reason = event.reason
    ? html`<dt>Reason</dt>
        <dd class="reason">${event.reason}</dd>`
    : html``;
  if (entries.length === 0 && !event.reason) return html``;
  const fields = await Promise.all(
    entries.map(
      async ([key, value]) =>
        html`<dt>${labelOf(key)}</dt>
          <dd data-key="${key}">${await fieldValue(ctx, key, value)}</dd>`,
    ),
  );
  return html`<dl class="facts">${reason}${fields}</dl>`;
}

export async function eventRow(ctx: EventViewContext, event: AuditEvent): Promise<SafeHtml> {
  return html`<tr data-seq="${String(event.seq)}" data-code="${event.code}">
    <td class="nowrap">
      <time datetime="${new Date(event.time).toISOString()}">${auditTime(event.time)}</time>
      <div class="muted">#${String(event.seq)}</div>
    </td>
    <td class="nowrap"><code title="${AUDIT_CODES[event.code] ?? ''}">${event.code}</code></td>
    <td class="keep">${await personLink(ctx, event.actor)}</td>
    <td class="keep">${targetLink(ctx, event.target)}</td>
    <td>${await eventFields(ctx, event)}</td>
  </tr>`;
}
