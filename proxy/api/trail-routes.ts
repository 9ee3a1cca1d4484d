/**
 * The web session trail over the API, for auditors (session or bearer): one grant's timeline
 * with its request and approvals, a search across all trails, and the grant's trail as HAR or
 * JSON lines (audited as `trail.exported`). Mount under /api/v1, before the main API router
 * (whose catch-all answers 404). Everyone else gets 403 auditor_required.
 */
import express, { type Request } from 'express';
import { trailJson, type StoredTrailRecord } from '../../recorder/trail/index.js';
import type { Authorization } from '../access/authorization.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { SessionUser } from '../identity/session-user.js';
import { forbidden } from '../shared/errors.js';
import type { Store } from '../store/types.js';
import { sendTrailExport, type TrailFormat } from '../trail/export.js';
import { trailFilterFromQuery, trailFilterFromText, trailPageFromQuery } from '../trail/filter.js';
import { grantContext } from '../trail/grant-context.js';
import { cursorText } from '../trail/trail-repository.js';
import { requireCaller } from './authenticate.js';
import { parseId } from './body.js';
import { grantJson, personJson, requestJson } from './json.js';

export interface TrailApiDeps {
  store: Pick<Store, 'trail' | 'grants' | 'requests' | 'users'>;
  audit: Pick<AuditLog, 'record'>;
  /** Who may read trails (config `auditors.groups`). */
  authorization: Pick<Authorization, 'mayReadTrails'>;
  /** The browser origin of a resource, for the URLs in a HAR. */
  originOf(resourceId: string): string;
  now: () => number;
}

const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 1000;

/** The rows and the cursor of the next page (null at the end). */
const pageJson = (rows: StoredTrailRecord[], limit: number) => ({
  records: rows.map((row) => trailJson(row)),
  next: rows.length === limit ? cursorText(rows.at(-1) ?? { time: 0, id: 0 }) : null,
});

export function trailApiRoutes(deps: TrailApiDeps): express.Router {
  const router = express.Router();

  const requireAuditor = (req: Request): SessionUser => {
    const { user } = requireCaller(req);
    if (!deps.authorization.mayReadTrails(user))
      throw forbidden('auditor_required', 'web session trails are open to auditors only');
    return user;
  };

  const grantOf = (req: Request) =>
    grantContext(deps.store, parseId('grt', req.params.id, 'invalid_grant_id'));

  for (const format of ['har', 'jsonl'] as TrailFormat[]) {
    router.get(`/grants/:id/trail.${format}`, async (req, res) => {
      const user = requireAuditor(req);
      const { grant } = await grantOf(req);
      await sendTrailExport(res, deps, grant, format, user.id, 'api');
    });
  }

  router.get('/grants/:id/trail', async (req, res) => {
    requireAuditor(req);
    const { grant, request, holder } = await grantOf(req);
    const filter = trailFilterFromText({ ...req.query, person: undefined, resource: undefined });
    const page = trailPageFromQuery(req.query, 'asc', DEFAULT_LIMIT, MAX_LIMIT);
    const rows = await deps.store.trail.byGrant(grant.id, filter, page);
    const now = deps.now();
    res.json({
      grant: grantJson(grant, now),
      holder: personJson(holder),
      request: request ? requestJson(request, holder, now) : null,
      ...pageJson(rows, page.limit),
    });
  });

  router.get('/trail', async (req, res) => {
    requireAuditor(req);
    const filter = await trailFilterFromQuery(req.query, deps.store.users);
    const page = trailPageFromQuery(req.query, 'desc', DEFAULT_LIMIT, MAX_LIMIT);
    res.json(pageJson(await deps.store.trail.search(filter, page), page.limit));
  });

  return router;
}
