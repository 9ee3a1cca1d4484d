/**
 * Terminal sessions for auditors and admins: /sessions lists them (filter by person, resource and
 * time as a plain GET form, so a filtered view is a link), /sessions/:id shows one (session-view.ts),
 * and the recording downloads behind it. Terminating is a POST form with the CSRF token. Every
 * read of a recording is audited before its bytes leave (`recording.viewed` for the player,
 * `recording.exported` for a download), as watching a live session is: no record, no replay.
 */
import express, { type Request, type Response } from 'express';
import type { AuditLog } from '../audit/audit-log.js';
import { JitgateError, forbidden, notFound } from '../shared/errors.js';
import { html, type SafeHtml } from '../shared/html.js';
import type { RecordingStorage } from '../../recorder/asciicast/index.js';
import type { UserRepository } from '../store/types.js';
import type {
  TerminalSessionRecord,
  TerminalSessionRepository,
} from '../terminal/session-record.js';
import { sessionFilterFromQuery, type SessionQueryText } from '../terminal/session-query.js';
import { sendRecording } from '../terminal/recording-response.js';
import type { TerminalService } from '../terminal/terminal-service.js';
import { requireCsrf } from '../identity/csrf.js';
import type { PortalDeps } from './deps.js';
import { timeCell } from './format.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { people, type People } from './people.js';
import { setFlash } from './session.js';
import { signedInUser } from '../identity/signed-in.js';
import { sessionView } from './session-view.js';

export interface SessionPagesDeps {
  sessions: TerminalSessionRepository;
  users: Pick<UserRepository, 'findByName'>;
  service: { remote: Pick<TerminalService['remote'], 'liveIds' | 'terminate'> };
  storage: RecordingStorage;
  /** Where reads of recordings are audited; a write that fails refuses the read. */
  audit: Pick<AuditLog, 'record'>;
}

type Field = 'person' | 'resource' | 'from' | 'to';

function filterForm(portal: PortalDeps, query: SessionQueryText): SafeHtml {
  const value = (key: Field) => (typeof query[key] === 'string' ? query[key] : '');
  const ssh = portal.resources.filter((r) => r.kind === 'ssh');
  return html`<form method="get" action="/sessions" id="session-filter">
    <label>Person <input name="person" value="${value('person')}" size="14" /></label>
    <label
      >Resource
      <select name="resource">
        <option value="">any</option>
        ${ssh.map(
          (r) =>
            html`<option value="${r.id}" ${r.id === value('resource') ? html`selected` : html``}>
              ${r.id}
            </option>`,
        )}
      </select></label
    >
    <label>From <input type="date" name="from" value="${value('from')}" /></label>
    <label>To <input type="date" name="to" value="${value('to')}" /></label>
    <button type="submit">Filter</button> <a href="/sessions">Clear</a>
  </form>`;
}

async function row(s: TerminalSessionRecord, live: boolean, names: People): Promise<SafeHtml> {
  const state = live
    ? html`<span class="state-active">live</span>`
    : html`ended${s.endReason ? html` (${s.endReason})` : html``}`;
  return html`<tr data-session="${s.id}">
    <td>${timeCell(s.startedAt)}</td>
    <td>${await names.name(s.userId)}</td>
    <td>${s.resourceId}</td>
    <td>${s.login}</td>
    <td>${s.via}</td>
    <td>${state}</td>
    <td>${s.recordingState}</td>
    <td><a href="/sessions/${s.id}">${live ? 'Watch' : 'Open'}</a></td>
  </tr>`;
}

export function sessionPageRoutes(portal: PortalDeps, deps: SessionPagesDeps): express.Router {
  const router = express.Router();

  const overseer = (req: Request, res: Response) => {
    const user = signedInUser(req, res);
    if (!user) return undefined;
    const role = portal.authorization.oversightRole(user);
    if (!role) throw forbidden('auditor_required', 'sessions are open to auditors and admins only');
    return { user, role };
  };

  const recording = async (id: string) => {
    const found = await deps.sessions.get(id);
    if (!found?.recording || found.recordingState === 'off' || found.recordingState === 'recording')
      throw notFound('no_recording', 'no finished recording for this session');
    return found;
  };

  router.get('/sessions', async (req, res) => {
    const who = overseer(req, res);
    if (!who) return;
    let problem = '';
    let rows: TerminalSessionRecord[] = [];
    try {
      const filter = await sessionFilterFromQuery(req.query, deps.users, 100);
      rows = await deps.sessions.list(filter);
    } catch (error) {
      if (!(error instanceof JitgateError) || error.status >= 500) throw error;
      problem = error.message;
    }
    const names = people(portal);
    const live = await deps.service.remote.liveIds(rows);
    const cells = await Promise.all(rows.map((s) => row(s, live.has(s.id), names)));
    const body = html`<h1>Terminal sessions</h1>
      ${filterForm(portal, req.query)} ${problem ? html`<p class="error">${problem}</p>` : ''}
      <table id="sessions">
        <thead>
          <tr>
            <th>Started</th>
            <th>Person</th>
            <th>Resource</th>
            <th>Login</th>
            <th>Via</th>
            <th>State</th>
            <th>Recording</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${
            cells.length
              ? cells
              : html`<tr>
                  <td colspan="8" class="muted">No sessions.</td>
                </tr>`
          }
        </tbody>
      </table>`;
    sendPortalPage(res, await viewerOf(portal, req, who.user), '/sessions', 'Sessions', body);
  });

  router.get('/sessions/:id', async (req, res) => {
    const who = overseer(req, res);
    if (!who) return;
    const found = await deps.sessions.get(req.params.id);
    if (!found) throw notFound('unknown_session', 'no such session');
    const live = (await deps.service.remote.liveIds([found])).has(found.id);
    const viewer = await viewerOf(portal, req, who.user);
    const view = await sessionView(found, live, viewer.csrf, deps.storage, people(portal));
    sendPortalPage(res, viewer, '/sessions', `Session ${found.id}`, view.body, view.extra);
  });

  router.post('/sessions/:id/terminate', requireCsrf, async (req, res) => {
    const who = overseer(req, res);
    if (!who) return;
    const id = String(req.params.id);
    try {
      await deps.service.remote.terminate(id, who.user, who.role);
      setFlash(req, { kind: 'ok', text: 'The session was terminated.' });
    } catch (error) {
      // Refusals, and an end the holding replica has not confirmed yet, are said on the page.
      if (!(error instanceof JitgateError) || !error.expose) throw error;
      setFlash(req, { kind: 'error', text: error.message });
    }
    res.redirect(303, `/sessions/${encodeURIComponent(id)}`);
  });

  router.get('/sessions/:id/recording.cast', async (req, res) => {
    const who = overseer(req, res);
    if (!who) return;
    const found = await recording(req.params.id);
    const opened = await deps.storage.open(found.id);
    // The player's replay shows the same bytes as a download: both are audited before they
    // leave, and an event that cannot be written refuses them (the error handler answers 500).
    // `data.user`: the person watched, as on every event about someone else (docs/audit.md).
    const download = req.query.download === '1';
    const about = { session: found.id, user: found.userId };
    const audited = () =>
      deps.audit.record(
        download
          ? {
              code: 'recording.exported',
              actor: who.user.id,
              target: found.resourceId,
              data: { ...about, sha256: found.checksum, via: 'portal' },
            }
          : {
              code: 'recording.viewed',
              actor: who.user.id,
              target: found.resourceId,
              data: { ...about, via: 'player' },
            },
      );
    await sendRecording(res, opened, audited, {
      'cache-control': 'no-store',
      'content-type': 'application/x-asciicast',
      ...(download ? { 'content-disposition': `attachment; filename="${found.id}.cast"` } : {}),
    });
  });

  router.get('/sessions/:id/recording.cast.sig.json', async (req, res) => {
    if (!overseer(req, res)) return;
    const found = await recording(req.params.id);
    const sidecar = await deps.storage.signature(found.id);
    if (!sidecar) throw notFound('no_signature', 'this recording has no signature (it failed)');
    res
      .setHeader('content-disposition', `attachment; filename="${found.id}.cast.sig.json"`)
      .json(sidecar);
  });

  return router;
}
