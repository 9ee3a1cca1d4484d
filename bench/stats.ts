/** Percentiles of latency samples and the spread of a figure over several runs (pure). */

/** The percentiles the reports and the plot show; 100 is the maximum. */
export const REPORTED_PERCENTILES = [50, 90, 99, 99.9, 100] as const;
export type Percentile = (typeof REPORTED_PERCENTILES)[number];
export type Percentiles = Record<`p${Percentile}`, number>;

/** Nearest-rank percentile (`p` in 0–100) of ascending samples; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** The reported percentiles of unsorted samples. */
export function percentilesOf(samples: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(samples).sort();
  const result = {} as Percentiles;
  for (const p of REPORTED_PERCENTILES) result[`p${p}`] = percentile(sorted, p);
  return result;
}

/** A figure measured in several runs: the median and the range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Runs that produced a number (NaN and missing runs are left out). */
  runs: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const mid = finite.length >> 1;
  const median =
    finite.length % 2 === 1
      ? (finite[mid] ?? Number.NaN)
      : ((finite[mid - 1] ?? Number.NaN) + (finite[mid] ?? Number.NaN)) / 2;
  return {
    median,
    min: finite[0] ?? Number.NaN,
    max: finite[finite.length - 1] ?? Number.NaN,
    runs: finite.length,
  };
}

/** a / b, NaN unless both are finite and b is not 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}
