/** The bench's latency plot: each web row's open-loop percentiles (medians over the runs). */
import type { BenchResults } from './results.js';
import { REPORTED_PERCENTILES } from './stats.js';
import { summarizeWeb } from './summary.js';
import { renderLatencyPlot } from './svg-plot.js';

export function latencyPlot(results: BenchResults): string | undefined {
  if (!results.web) return undefined;
  const rows = summarizeWeb(results.web.runs);
  return renderLatencyPlot({
    title: `Latency at a fixed ${results.info.rate} req/s (open loop), ${results.info.date}`,
    xLabels: REPORTED_PERCENTILES.map((p) => (p === 100 ? 'max' : `p${p}`)),
    series: rows.map((w) => ({
      name: w.name,
      values: REPORTED_PERCENTILES.map((p) => w.latency[`p${p}`].median),
    })),
  });
}
