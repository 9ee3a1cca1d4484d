/**
 * The audit log over the API, for auditors: `GET /audit` pages forward by seq (`next` is the
 * afterSeq of the following page, null at the end), so a collector can tail the log;
 * `GET /audit/export` streams JSON lines and is itself audited. Mount under /api/v1, before the
 * main API router (whose catch-all answers 404).
 */
import express, { type Request, type Response } from 'express';
import type { Authorization } from '../access/authorization.js';
import { AUDIT_PAGE, type AuditExportFilter, type AuditLog } from '../audit/audit-log.js';
import { auditFilterFromQuery } from '../audit/query.js';
import type { SessionUser } from '../identity/session-user.js';
import { forbidden } from '../shared/errors.js';
import { requireCaller } from './authenticate.js';

export interface AuditApiDeps {
  audit: AuditLog;
  /** Who may read the log (config `auditors.groups`). */
  authorization: Pick<Authorization, 'mayReadAuditLog'>;
}

const DEFAULT_LIMIT = 100;

/** Thrown from the export's writer to stop it when the client has disconnected. */
class ClientGone extends Error {}

/** Resolves once the client can take more, or has gone (then the caller stops writing). */
function writable(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

export function auditApiRoutes(deps: AuditApiDeps): express.Router {
  const router = express.Router();

  // Any caller the API knows (a portal session or a bearer token): a collector tailing the log
  // is a program, not a browser.
  const requireAuditor = (req: Request): SessionUser => {
    const { user } = requireCaller(req);
    if (!deps.authorization.mayReadAuditLog(user))
      throw forbidden('auditor_required', 'the audit log is open to auditors only');
    return user;
  };

  router.get('/audit', async (req, res) => {
    requireAuditor(req);
    const filter = auditFilterFromQuery(req.query, DEFAULT_LIMIT, AUDIT_PAGE);
    const events = await deps.audit.list({ ...filter, order: 'asc' });
    const last = events.at(-1);
    res.json({ events, next: last && events.length === filter.limit ? last.seq : null });
  });

  router.get('/audit/export', async (req, res) => {
    const user = requireAuditor(req);
    // Paging is export's own business: cursors and limits in the query are ignored.
    const { code, actor, target, from, to } = auditFilterFromQuery(
      { ...req.query, limit: undefined, afterSeq: undefined, beforeSeq: undefined },
      AUDIT_PAGE,
      AUDIT_PAGE,
    );
    const filter: AuditExportFilter = { code, actor, target, from, to };
    // Recorded before the first line leaves: if the export cannot be audited, it does not happen.
    await deps.audit.record({
      code: 'audit.exported',
      actor: user.id,
      data: { filter: { ...filter }, via: 'api' },
    });
    res.type('application/x-ndjson');
    res.setHeader('content-disposition', 'attachment; filename="jitgate-audit.jsonl"');
    try {
      await deps.audit.export(async (line) => {
        if (res.destroyed) throw new ClientGone();
        if (!res.write(line + '\n')) await writable(res);
      }, filter);
    } catch (error) {
      if (error instanceof ClientGone) return;
      throw error;
    }
    res.end();
  });

  return router;
}
