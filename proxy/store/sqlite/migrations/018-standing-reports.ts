/**
 * Standing privilege reported by SSH targets (`jitgate target-agent --standing`): per resource
 * the findings of its last report, as JSON, replaced by the next (StandingReportRepository).
 */
export const STANDING_REPORTS = `
  CREATE TABLE standing_reports (
    resource_id TEXT PRIMARY KEY,
    findings TEXT NOT NULL,
    reported_at INTEGER NOT NULL
  );
`;
