/**
 * The "Request access" form, shaped by what this person may request now (access-state's
 * requestOptions, which the API's /resources answers too): durations up to the longest
 * maxDuration, a reason when every open policy wants one, a ticket when one asks for it. On a
 * resource's page it asks for that resource; on "My access" it is the one form for every
 * resource the person may ask for now, with the resource as its first field. The form decides
 * nothing itself: policy decides again on submit, the form only saves a round trip.
 */
import type { RequestOptions } from '../access/access-state.js';
import type { ResourceConfig } from '../config/schema.js';
import { csrfField } from '../identity/csrf.js';
import { html, type SafeHtml } from '../shared/html.js';
import { durationOptions, formatDuration, requestDurations } from './format.js';

const DEFAULT_MS = 30 * 60_000;

/** A resource and what access-state says this person may ask of it now. */
export interface RequestChoice {
  resource: ResourceConfig;
  may: RequestOptions;
}

export interface RequestFormOptions {
  /** One resource (its page) or the resources the person may ask for now ("My access"). */
  choices: readonly RequestChoice[];
  csrf: string;
  /** Where the answer redirects to: "/" or this resource's page. */
  back: string;
  /** The resource chosen when the form opens (a "Request" link names it). */
  selected?: string;
  /** Resources with live access, offered for more time. */
  extending?: ReadonlySet<string>;
}

const nameOf = (resource: ResourceConfig) => resource.name ?? resource.id;

type IdOf = (name: string) => string;

/** The resource field: hidden for one resource, a choice (with each one's limit) for several. */
function resourceField(options: RequestFormOptions, open: RequestChoice[], id: IdOf) {
  const [only] = open;
  if (open.length === 1 && only)
    return html`<input type="hidden" name="resource" value="${only.resource.id}" />`;
  const preset = open.some((c) => c.resource.id === options.selected);
  const choices = open.map(({ resource, may }) => {
    const more = options.extending?.has(resource.id) ? ', more time' : '';
    const chosen = resource.id === options.selected ? html`selected` : html``;
    return html`<option value="${resource.id}" ${chosen}>
      ${nameOf(resource)} (up to ${formatDuration(may.maxDurationMs)}${more})
    </option>`;
  });
  return html`<div class="field">
    <label for="${id('resource')}">Resource</label>
    <select id="${id('resource')}" name="resource" required>
      ${preset ? html`` : html`<option value="">Choose a resource…</option>`} ${choices}
    </select>
  </div>`;
}

/** "(optional)", "" (required by all), or "(required for Payroll)" when only some want it. */
function requirement(open: RequestChoice[], wants: (may: RequestOptions) => boolean): string {
  const wanting = open.filter((c) => wants(c.may));
  if (wanting.length === 0) return ' (optional)';
  if (wanting.length === open.length) return '';
  return ` (required for ${wanting.map((c) => nameOf(c.resource)).join(', ')})`;
}

function ticketField(open: RequestChoice[], id: IdOf): SafeHtml {
  const patterns = [...new Set(open.flatMap((c) => c.may.ticket.patterns))];
  if (patterns.length === 0) return html``;
  const hint = requirement(open, (may) => may.ticket.required);
  return html`<label for="${id('ticket')}">Ticket${hint}</label>
    <input
      id="${id('ticket')}"
      name="ticket"
      maxlength="200"
      ${hint === '' ? html`required` : html``}
      placeholder="${patterns.join(' or ')}"
    />`;
}

/** Why nothing can be asked: for one resource, policy's own reasons; for several, one line. */
function nothingToAsk(choices: readonly RequestChoice[]): SafeHtml {
  const [single] = choices;
  if (choices.length !== 1 || !single)
    return html`<p class="muted" id="request-none">There is nothing you can request right now.</p>`;
  return html`<div class="muted" id="request-none" data-requestable="false">
    <p>No policy lets you request ${nameOf(single.resource)} now.</p>
    <ul class="policy-reasons">
      ${single.may.preview.reasons.map((reason) => html`<li>${reason}</li>`)}
    </ul>
  </div>`;
}

export function requestForm(options: RequestFormOptions): SafeHtml {
  const open = options.choices.filter((c) => c.may.requestable);
  const [first] = open;
  if (!first) return nothingToAsk(options.choices);
  const one = open.length === 1 && options.choices.length === 1;
  const suffix = one ? first.resource.id : 'request';
  const id: IdOf = (name) => `${name}-${suffix}`;
  const maxMs = Math.max(...open.map((c) => c.may.maxDurationMs));
  const durations = requestDurations(maxMs);
  const selected = durations.includes(DEFAULT_MS) ? DEFAULT_MS : durations[0];
  const reasonHint = requirement(open, (may) => may.requireReason);
  const label = one && options.extending?.has(suffix) ? 'Request more time' : 'Request access';
  return html`<form
    method="post"
    action="/requests"
    class="request-form"
    id="${one ? `request-form-${suffix}` : 'request-form'}"
    data-form="${one ? `request-${suffix}` : 'request'}"
  >
    ${csrfField(options.csrf)}
    <input type="hidden" name="back" value="${options.back}" />
    <div class="fields">
      ${resourceField(options, open, id)}
      <div class="field">
        <label for="${id('duration')}"
          >Duration${one ? ` (up to ${formatDuration(maxMs)})` : ''}</label
        >
        <select id="${id('duration')}" name="duration">
          ${durationOptions(durations, selected)}
        </select>
      </div>
      <div class="field">
        <label for="${id('start')}">Start at (optional, <span data-tz>UTC</span>)</label>
        <input id="${id('start')}" type="datetime-local" name="startAt" data-local-time />
        <input type="hidden" name="startAtIso" />
      </div>
    </div>
    <label for="${id('reason')}">Reason${reasonHint}</label>
    <textarea
      id="${id('reason')}"
      name="reason"
      rows="2"
      maxlength="1000"
      ${reasonHint === '' ? html`required` : html``}
    ></textarea>
    ${ticketField(open, id)}
    <div><button type="submit">${label}</button></div>
  </form>`;
}
