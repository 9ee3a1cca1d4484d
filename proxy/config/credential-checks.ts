/**
 * Cross-key checks of the machine config, on the raw document like cross-check.ts: every
 * `machines.issuers[].idp` names an OIDC identity provider, at most once.
 */
import type { ConfigProblem } from './cross-check.js';

type Row = Record<string, unknown>;

const isRow = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function machineProblems(doc: unknown): ConfigProblem[] {
  if (!isRow(doc) || !isRow(doc.machines)) return [];
  /** id → type of every identity provider. */
  const idps = new Map<unknown, unknown>(
    list(doc.identityProviders)
      .filter(isRow)
      .map((idp) => [idp.id, idp.type]),
  );
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
    // Machines present OIDC access tokens; a SAML IdP issues none.
    if (idps.get(idp) === 'saml')
      problems.push({
        path: ['machines', 'issuers', i, 'idp'],
        message: `names SAML identity provider "${idp}"; machines need an OIDC one`,
      });
    if (seen.has(idp))
      problems.push({ path: ['machines', 'issuers', i, 'idp'], message: `duplicate idp "${idp}"` });
    seen.add(idp);
  });
  return problems;
}
