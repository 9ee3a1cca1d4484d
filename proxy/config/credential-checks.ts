/**
 * Cross-key checks of the machine config, on the raw document like cross-check.ts: every
 * `machines.issuers[].idp` names an identity provider, at most once.
 */
import type { ConfigProblem } from './cross-check.js';

type Row = Record<string, unknown>;

const isRow = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function machineProblems(doc: unknown): ConfigProblem[] {
  if (!isRow(doc) || !isRow(doc.machines)) return [];
  const idps = new Set(list(doc.identityProviders).map((idp) => (isRow(idp) ? idp.id : undefined)));
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  list(doc.machines.issuers).forEach((row, i) => {
    const idp = isRow(row) ? row.idp : undefined;
    if (typeof idp !== 'string') return;
    if (!idps.has(idp))
      problems.push({
        path: ['machines', 'issuers', i, 'idp'],
        message: `names unknown identity provider "${idp}"`,
      });
    if (seen.has(idp))
      problems.push({ path: ['machines', 'issuers', i, 'idp'], message: `duplicate idp "${idp}"` });
    seen.add(idp);
  });
  return problems;
}
