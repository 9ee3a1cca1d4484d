/** PostgreSQL implementation of StandingReportRepository. */
import { findingsOf } from '../standing-findings-json.js';
import type { StandingReportRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { int, text } from './rows.js';

export function createStandingReportRepository(db: PgDatabase): StandingReportRepository {
  return {
    put: async (report) => {
      await db.run(
        `INSERT INTO standing_reports (resource_id, findings, reported_at) VALUES ($1, $2, $3)
         ON CONFLICT (resource_id) DO UPDATE SET findings = excluded.findings,
           reported_at = excluded.reported_at`,
        [report.resourceId, JSON.stringify(report.findings), report.reportedAt],
      );
    },
    list: async () =>
      (await db.all('SELECT * FROM standing_reports ORDER BY resource_id')).map((row) => ({
        resourceId: text(row, 'resource_id'),
        findings: findingsOf(text(row, 'findings')),
        reportedAt: int(row, 'reported_at'),
      })),
  };
}
