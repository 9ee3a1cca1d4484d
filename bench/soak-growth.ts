/** Whether RSS stayed flat over a soak (pure). */

export interface SoakSample {
  seconds: number;
  rssMiB: number;
}

/** A soak is flat when this is at most 1.1. */
export const FLAT_GROWTH = 1.1;

/**
 * Peak RSS of the last quarter of the samples over the peak of the first quarter, leaving out the
 * sample taken before any load; NaN with fewer than two samples under load.
 */
export function soakGrowth(samples: readonly SoakSample[]): number {
  const values = samples.slice(1).map((s) => s.rssMiB);
  if (values.length < 2) return Number.NaN;
  const quarter = Math.max(1, Math.floor(values.length / 4));
  return Math.max(...values.slice(-quarter)) / Math.max(...values.slice(0, quarter));
}
