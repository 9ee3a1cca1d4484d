/** Small text helpers the portal pages share: times, durations, the duration choices of forms. */
import { formatDuration } from '../shared/duration.js';
import { html, type SafeHtml } from '../shared/html.js';

/** "2025-03-01 14:05 UTC": pages render UTC; the browser's script only runs the countdowns. */
export const timeText = (ms: number) =>
  new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export const timeCell = (ms: number | null): SafeHtml =>
  ms === null
    ? html`<span class="muted">—</span>`
    : html`<time datetime="${new Date(ms).toISOString()}">${timeText(ms)}</time>`;

/** A countdown portal.js keeps current; without scripts it still says when access ends. */
export const countdown = (endsAt: number, now: number): SafeHtml =>
  html`<span class="countdown" data-ends-at="${new Date(endsAt).toISOString()}"
    >${remainingText(endsAt - now)}</span
  >`;

/** 725000 → "12m 05s"; the same wording portal.js uses. */
export function remainingText(ms: number): string {
  if (ms <= 0) return 'expired';
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${s}s` : `${m}m ${s}s`;
}

export { formatDuration };

const MINUTE = 60_000;
/** What people usually ask for; the policy's maximum is added when it is not one of these. */
const REQUEST_CHOICES = [15, 30, 60, 120, 240, 480].map((m) => m * MINUTE);
/** What an approver may shorten to: a short trial grant up to a working day. */
const SHORTEN_CHOICES = [1, 5, 15, 30, 60, 120, 240].map((m) => m * MINUTE);

/** Durations a request form offers, none longer than `maxMs`, always including `maxMs`. */
export function requestDurations(maxMs: number): number[] {
  if (maxMs <= 0) return [];
  const choices = REQUEST_CHOICES.filter((ms) => ms <= maxMs);
  return choices.includes(maxMs) ? choices : [...choices, maxMs];
}

/** Durations an approver may pick instead of the requested one: strictly shorter. */
export const shorterDurations = (requestedMs: number) =>
  SHORTEN_CHOICES.filter((ms) => ms < requestedMs);

export const durationOptions = (choices: readonly number[], selected?: number): SafeHtml[] =>
  choices.map(
    (ms) =>
      html`<option value="${formatDuration(ms)}" ${ms === selected ? html`selected` : html``}>
        ${formatDuration(ms)}
      </option>`,
  );
