/**
 * Terminal sessions over the API, for auditors and admins: list and filter, one session, its
 * recording and signature (downloads are audited as `recording.exported`), and terminate. Mount
 * under /api/v1 before the main API router (whose catch-all answers 404).
 */
import express, { type Request } from 'express';
import type { Authorization } from '../access/authorization.js';
import type { AuditLog } from '../audit/audit-log.js';
import { JitgateError, forbidden, notFound } from '../shared/errors.js';
import type { Store } from '../store/types.js';
import type { RecordingStorage } from '../../recorder/asciicast/index.js';
import { sessionFilterFromQuery, sessionJson } from '../terminal/session-query.js';
import { sendRecording } from '../terminal/recording-response.js';
import { verifySessionRecording } from '../terminal/recording-verification.js';
import type { TerminalService } from '../terminal/terminal-service.js';
import { requireCaller } from './authenticate.js';

export interface SessionApiDeps {
  store: Pick<Store, 'terminalSessions' | 'users'>;
  service: TerminalService;
  storage: RecordingStorage;
  audit: AuditLog;
  /** Auditors and admins; the role names the one that applies (for messages and records). */
  authorization: Pick<Authorization, 'oversightRole'>;
}

const PAGE = 100;

export function sessionApiRoutes(deps: SessionApiDeps): express.Router {
  const router = express.Router();

  const overseer = (req: Request) => {
    const { user } = requireCaller(req);
    const role = deps.authorization.oversightRole(user);
    if (!role) throw forbidden('auditor_required', 'sessions are open to auditors and admins only');
    return { user, role };
  };

  const session = async (id: string) => {
    const found = await deps.store.terminalSessions.get(id);
    if (!found) throw notFound('unknown_session', 'no such session');
    return found;
  };

  /** The sealed (or failed) recording of an ended session. */
  const recorded = async (id: string) => {
    const found = await session(id);
    if (found.recordingState === 'off' || found.recording === null)
      throw notFound('no_recording', 'this session was not recorded');
    if (found.recordingState === 'recording')
      throw new JitgateError(409, 'recording_in_progress', 'the session is still running');
    return found;
  };

  router.get('/sessions', async (req, res) => {
    overseer(req);
    const filter = await sessionFilterFromQuery(req.query, deps.store.users, PAGE);
    const rows = await deps.store.terminalSessions.list(filter);
    const last = rows.at(-1);
    const live = await deps.service.remote.liveIds(rows);
    res.json({
      sessions: rows.map((s) => sessionJson(s, live.has(s.id))),
      next: last && rows.length === filter.limit ? last.startedAt : null,
    });
  });

  router.get('/sessions/:id', async (req, res) => {
    overseer(req);
    const found = await session(req.params.id);
    const live = (await deps.service.remote.liveIds([found])).has(found.id);
    const verification = await verifySessionRecording(found, deps.storage);
    res.json({ session: sessionJson(found, live), verification });
  });

  router.get('/sessions/:id/recording', async (req, res) => {
    const { user } = overseer(req);
    const found = await recorded(req.params.id);
    const opened = await deps.storage.open(found.id);
    const audited = () =>
      deps.audit.record({
        code: 'recording.exported',
        actor: user.id,
        target: found.resourceId,
        data: { session: found.id, user: found.userId, sha256: found.checksum, via: 'api' },
      });
    await sendRecording(res, opened, audited, {
      'content-type': 'application/x-asciicast',
      'content-disposition': `attachment; filename="${found.id}.cast"`,
    });
  });

  router.get('/sessions/:id/signature', async (req, res) => {
    overseer(req);
    const found = await recorded(req.params.id);
    const sidecar = await deps.storage.signature(found.id);
    if (!sidecar) throw notFound('no_signature', 'this recording has no signature (it failed)');
    res.json(sidecar);
  });

  router.post('/sessions/:id/terminate', async (req, res) => {
    const { user, role } = overseer(req);
    const ended = await deps.service.remote.terminate(req.params.id, user, role);
    res.json({ session: sessionJson(ended, false) });
  });

  return router;
}
