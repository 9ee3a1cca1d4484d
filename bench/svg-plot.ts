/**
 * The latency plot, written as SVG text (no plotting library): one line per target through its
 * latency percentiles, percentiles evenly spaced on the x axis, milliseconds on a log y axis.
 * Pure: data in, markup out.
 */
export interface PlotSeries {
  name: string;
  /** One value per x label, ms; NaN leaves a gap. */
  values: number[];
}

export interface PlotInput {
  title: string;
  xLabels: string[];
  series: PlotSeries[];
}

const WIDTH = 720;
const PLOT_HEIGHT = 260;
const MARGIN = { left: 64, right: 32, top: 40 };
const LEGEND_LINE = 16;
const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d'];

export const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  );

/** 1-2-5 steps covering [min, max] on a log scale. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(min)); 10 ** decade <= max * 10; decade++) {
    for (const step of [1, 2, 5]) {
      const tick = step * 10 ** decade;
      if (tick >= min / 1.0001 && tick <= max * 1.0001) ticks.push(Number(tick.toPrecision(6)));
    }
  }
  return ticks;
}

const num = (n: number) => Number(n.toFixed(1)).toString();

export function renderLatencyPlot(input: PlotInput): string {
  const values = input.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  const lo = values.length ? 10 ** Math.floor(Math.log10(Math.min(...values))) : 0.1;
  const top = values.length ? 10 ** Math.ceil(Math.log10(Math.max(...values))) : 10;
  const hi = top > lo ? top : lo * 10;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PLOT_HEIGHT;
  const height = MARGIN.top + plotH + 40 + input.series.length * LEGEND_LINE + 8;
  const x = (i: number) =>
    MARGIN.left + (input.xLabels.length > 1 ? (i * plotW) / (input.xLabels.length - 1) : plotW / 2);
  const y = (ms: number) =>
    MARGIN.top +
    plotH -
    ((Math.log10(ms) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(input.title)}</text>`,
  ];
  for (const tick of logTicks(lo, hi)) {
    const ty = num(y(tick));
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ty}" y2="${ty}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">${tick}</text>`,
    );
  }
  input.xLabels.forEach((label, i) => {
    const tx = num(x(i));
    parts.push(
      `<line x1="${tx}" x2="${tx}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`,
      `<text x="${tx}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  });
  parts.push(
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">latency, ms (log)</text>`,
  );
  input.series.forEach((series, s) => {
    const color = COLORS[s % COLORS.length] ?? '#000';
    const points = series.values
      .map((v, i) => (Number.isFinite(v) && v > 0 ? `${num(x(i))},${num(y(v))}` : undefined))
      .filter((p): p is string => p !== undefined);
    if (points.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`,
      );
    for (const point of points) {
      const [px, py] = point.split(',');
      parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${color}"/>`);
    }
    const ly = MARGIN.top + plotH + 40 + s * LEGEND_LINE;
    parts.push(
      `<rect x="${MARGIN.left}" y="${ly - 9}" width="12" height="12" fill="${color}"/>`,
      `<text x="${MARGIN.left + 18}" y="${ly}" dominant-baseline="middle">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
