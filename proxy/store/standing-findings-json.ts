/** The stored JSON of a standing report's findings, read back by both store backends. */
import type { StandingFindingRecord } from './types.js';

/** Findings as stored; anything else in the column counts as none (it is never trusted). */
export function findingsOf(json: string): StandingFindingRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((f: unknown) => {
    const v = f as Partial<StandingFindingRecord> | null;
    return typeof v?.kind === 'string' &&
      typeof v.detail === 'string' &&
      (v.principal === null || typeof v.principal === 'string')
      ? [{ kind: v.kind, principal: v.principal, detail: v.detail }]
      : [];
  });
}
