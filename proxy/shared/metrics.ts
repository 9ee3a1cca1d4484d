/**
 * Prometheus metrics without a dependency: counters and one latency histogram family, rendered
 * in the text exposition format at /metrics. Series keys are built once per label set.
 */
type Labels = Record<string, string>;

const BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const escapeLabel = (v: string) =>
  v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
const labelText = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private readonly help = new Map<
    string,
    { type: 'counter' | 'histogram' | 'gauge'; text: string }
  >();
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly histograms = new Map<string, Map<string, Histogram>>();
  private readonly gauges = new Map<string, () => number>();
  private readonly counterReaders = new Map<string, () => number>();

  counter(name: string, text: string): (labels?: Labels, by?: number) => void {
    this.help.set(name, { type: 'counter', text });
    const series = new Map<string, number>();
    this.counters.set(name, series);
    return (labels = {}, by = 1) => {
      const key = labelText(labels);
      series.set(key, (series.get(key) ?? 0) + by);
    };
  }

  histogram(name: string, text: string): (labels: Labels, seconds: number) => void {
    this.help.set(name, { type: 'histogram', text });
    const series = new Map<string, Histogram>();
    this.histograms.set(name, series);
    return (labels, seconds) => {
      const key = labelText(labels);
      let h = series.get(key);
      if (!h) {
        h = { counts: BUCKETS_S.map(() => 0), sum: 0, count: 0 };
        series.set(key, h);
      }
      for (let i = 0; i < BUCKETS_S.length; i++)
        if (seconds <= (BUCKETS_S[i] ?? 0)) h.counts[i] = (h.counts[i] ?? 0) + 1;
      h.sum += seconds;
      h.count++;
    };
  }

  /** A counter kept elsewhere (e.g. by a queue), read when the metrics are rendered. */
  counterFrom(name: string, text: string, read: () => number): void {
    this.help.set(name, { type: 'counter', text });
    this.counterReaders.set(name, read);
  }

  gauge(name: string, text: string, read: () => number): void {
    this.help.set(name, { type: 'gauge', text });
    this.gauges.set(name, read);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { type, text }] of this.help) {
      lines.push(`# HELP ${name} ${text}`, `# TYPE ${name} ${type}`);
      const read = this.counterReaders.get(name);
      if (read) lines.push(`${name} ${read()}`);
      if (type === 'counter')
        for (const [k, v] of this.counters.get(name) ?? []) lines.push(`${name}${k} ${v}`);
      if (type === 'gauge') lines.push(`${name} ${this.gauges.get(name)?.() ?? 0}`);
      if (type === 'histogram') {
        for (const [k, h] of this.histograms.get(name) ?? []) {
          const base = k ? k.slice(1, -1) + ',' : '';
          BUCKETS_S.forEach((le, i) =>
            lines.push(`${name}_bucket{${base}le="${le}"} ${h.counts[i] ?? 0}`),
          );
          lines.push(
            `${name}_bucket{${base}le="+Inf"} ${h.count}`,
            `${name}_sum${k} ${h.sum}`,
            `${name}_count${k} ${h.count}`,
          );
        }
      }
    }
    return lines.join('\n') + '\n';
  }
}
