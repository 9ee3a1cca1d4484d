/**
 * One terminal session for an auditor: what, who and when, the recording's checksum and whether
 * its signature verifies; then either the live view (read-only xterm) with Terminate, or playback
 * with asciinema-player (seek, speed), search in the output with jump-to-time, and downloads.
 */
import type { RecordingStorage } from '../../recorder/asciicast/index.js';
import { html, SafeHtml } from '../shared/html.js';
import { verifySessionRecording } from '../terminal/recording-verification.js';
import type { TerminalSessionRecord } from '../terminal/session-record.js';
import { csrfField } from '../identity/csrf.js';
import { timeCell } from './format.js';
import type { People } from './people.js';
import { assetTags, PLAYBACK_CSP, TERMINAL_CSP } from './terminal-assets.js';
import { TERMINAL_STYLE } from './terminal-page.js';

const PLAYER_STYLE = `#player{max-width:100%;min-height:10rem}#search-results{list-style:none;padding:0}
#search-results li{font-family:ui-monospace,monospace;white-space:pre-wrap;margin:.2rem 0}
button.jump{padding:.1rem .5rem;margin-right:.5rem}dl.session{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.session dd{margin:0;overflow-wrap:anywhere}`;

async function integrity(s: TerminalSessionRecord, storage: RecordingStorage): Promise<SafeHtml> {
  const result = await verifySessionRecording(s, storage);
  if (!result) return html``;
  return result.ok
    ? html`<span id="verification" class="state-active">checksum and signature verify</span>`
    : html`<span id="verification" class="error"
        >does NOT verify: ${result.reason} (${result.detail})</span
      >`;
}

function liveView(s: TerminalSessionRecord, csrf: string): SafeHtml {
  return html`<h2>Live</h2>
    <form method="post" action="/sessions/${s.id}/terminate" class="inline" id="terminate">
      ${csrfField(csrf)}
      <button type="submit" class="danger">Terminate session</button>
    </form>
    <p id="terminal-status" class="terminal-status" role="status" aria-live="polite"></p>
    <div id="terminal" data-mode="watch" data-session="${s.id}"></div>`;
}

function playback(s: TerminalSessionRecord): SafeHtml {
  return html`<h2>Recording</h2>
    <p>
      <label
        >Speed
        <select id="speed">
          <option value="0.5">0.5×</option>
          <option value="1" selected>1×</option>
          <option value="2">2×</option>
          <option value="4">4×</option>
        </select></label
      >
      ·
      <a href="/sessions/${s.id}/recording.cast?download=1" id="download-cast">Download .cast</a> ·
      <a href="/sessions/${s.id}/recording.cast.sig.json" id="download-signature"
        >Download signature</a
      >
    </p>
    <div id="player" data-cast="/sessions/${s.id}/recording.cast"></div>
    <form id="cast-search" role="search">
      <label>Search the output <input name="q" size="30" /></label>
      <button type="submit">Search</button>
    </form>
    <p id="player-status" role="status" aria-live="polite"></p>
    <ol id="search-results"></ol>`;
}

export async function sessionView(
  s: TerminalSessionRecord,
  live: boolean,
  csrf: string,
  storage: RecordingStorage,
  names: People,
): Promise<{ body: SafeHtml; extra: { head?: SafeHtml; csp?: string } }> {
  const details = html`<h1>Terminal session</h1>
    <dl class="session">
      <dt>Session</dt>
      <dd><code>${s.id}</code></dd>
      <dt>Person</dt>
      <dd>${await names.name(s.userId)}</dd>
      <dt>Resource</dt>
      <dd>${s.resourceId} as <b>${s.login}</b> (via ${s.via})</dd>
      <dt>Grant</dt>
      <dd><code>${s.grantId}</code></dd>
      <dt>Started</dt>
      <dd>${timeCell(s.startedAt)}</dd>
      <dt>Ended</dt>
      <dd>${timeCell(s.endedAt)} ${s.endReason ?? ''}</dd>
      <dt>Recording</dt>
      <dd>${s.recordingState} ${await integrity(s, storage)}</dd>
      <dt>SHA-256</dt>
      <dd><code id="checksum">${s.checksum ?? '—'}</code></dd>
    </dl>`;
  // The style constants are this module's own, so they are trusted as they are.
  if (live) {
    const head = html`${assetTags(['xterm.css', 'xterm.js', 'addon-fit.js', 'terminal.js'])}
    ${new SafeHtml(`<style>${TERMINAL_STYLE}${PLAYER_STYLE}</style>`)}`;
    return { body: html`${details}${liveView(s, csrf)}`, extra: { head, csp: TERMINAL_CSP } };
  }
  const sealed = s.recordingState === 'complete' || s.recordingState === 'recovered';
  if (!sealed) return { body: details, extra: {} };
  const head = html`${assetTags(['asciinema-player.css', 'asciinema-player.js', 'playback.js'])}
  ${new SafeHtml(`<style>${PLAYER_STYLE}</style>`)}`;
  return { body: html`${details}${playback(s)}`, extra: { head, csp: PLAYBACK_CSP } };
}
