/**
 * Access reviews over the API, for auditors: `GET /reports/access` answers JSON, or CSV with
 * `format=csv` (docs/access-reviews.md), the standing privilege on the targets included. Reading one is itself audited, before it is answered.
 * Mount under /api/v1, before the main API router (whose catch-all answers 404).
 */
import express from 'express';
import type { AccessReports } from '../access/access-report.js';
import { reportQueryFrom, type ReportQueryText } from '../access/access-report-query.js';
import type { Authorization } from '../access/authorization.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { StandingScan } from '../credentials/standing-scan.js';
import { badRequest, forbidden } from '../shared/errors.js';
import type { UserRepository } from '../store/types.js';
import { reportCsv, reportJson } from './access-report-json.js';
import { requireCaller } from './authenticate.js';

export interface ReportApiDeps {
  reports: AccessReports;
  standing: Pick<StandingScan, 'scan'>;
  audit: Pick<AuditLog, 'record'>;
  authorization: Pick<Authorization, 'mayReadAccessReports' | 'mayReadStandingPrivileges'>;
  users: Pick<UserRepository, 'findByName'>;
  resourceIds: readonly string[];
  now: () => number;
}

export function reportApiRoutes(deps: ReportApiDeps): express.Router {
  const router = express.Router();

  router.get('/reports/access', async (req, res) => {
    const { user } = requireCaller(req);
    if (!deps.authorization.mayReadAccessReports(user))
      throw forbidden('auditor_required', 'access reviews are open to auditors only');
    const text = req.query as ReportQueryText & { format?: unknown };
    const format = text.format ?? 'json';
    if (format !== 'json' && format !== 'csv')
      throw badRequest('invalid_query', '`format` is json or csv');
    const query = await reportQueryFrom(text, { ...deps, now: deps.now() });
    await deps.audit.record({
      code: 'access_report.read',
      actor: user.id,
      target: query.resourceId ?? query.userId ?? null,
      data: { ...query, format, via: 'api' },
    });
    const report = await deps.reports.build(query);
    // Scanned now, as /reports/standing is: the export shows the targets as they are.
    const standing = (await deps.standing.scan()).filter(
      (f) => query.resourceId === undefined || f.resource === query.resourceId,
    );
    if (format === 'json') return void res.json(reportJson(report, standing));
    res.type('text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="jitgate-access-review.csv"');
    res.send(reportCsv(report, standing));
  });

  // Scanned now, not the timer's last result: an auditor checking a clean-up sees it at once.
  router.get('/reports/standing', async (req, res) => {
    const { user } = requireCaller(req);
    if (!deps.authorization.mayReadStandingPrivileges(user))
      throw forbidden(
        'auditor_required',
        'standing privilege findings are for auditors and admins',
      );
    res.json({ findings: await deps.standing.scan() });
  });

  return router;
}
