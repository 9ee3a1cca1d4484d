/**
 * Prometheus metrics without a dependency: counters and one latency histogram family, rendered
 * in the text exposition format at /metrics. A hot path takes a series once (`series(labels)`)
 * and then only adds to it: building the label text on every update was ~1.5% of the proxy's CPU
 * under load.
 */
type Labels = Record<string, string>;

/** Counts by label set; `series` returns the adder of one label set, looked up once. */
export interface Counter {
  (labels?: Labels, by?: number): void;
  series(labels?: Labels): (by?: number) => void;
}

/** Observations by label set; `series` returns the observer of one label set. */
export interface HistogramFamily {
  (labels: Labels, seconds: number): void;
  series(labels: Labels): (seconds: number) => void;
}

const BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const escapeLabel = (v: string) =>
  v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
const labelText = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

interface Histogram {
  /** Observations per bucket (not cumulative: render adds them up); past the last: only `count`. */
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

  counter(name: string, text: string): Counter {
    this.help.set(name, { type: 'counter', text });
    const values = new Map<string, number>();
    this.counters.set(name, values);
    const series = (labels: Labels = {}) => {
      const key = labelText(labels);
      return (by = 1) => void values.set(key, (values.get(key) ?? 0) + by);
    };
    return Object.assign((labels?: Labels, by?: number) => series(labels)(by), { series });
  }

  histogram(name: string, text: string): HistogramFamily {
    this.help.set(name, { type: 'histogram', text });
    const all = new Map<string, Histogram>();
    this.histograms.set(name, all);
    const series = (labels: Labels) => {
      const key = labelText(labels);
      let h = all.get(key);
      if (!h) {
        h = { counts: BUCKETS_S.map(() => 0), sum: 0, count: 0 };
        all.set(key, h);
      }
      const histogram = h;
      return (seconds: number) => {
        const bucket = BUCKETS_S.findIndex((le) => seconds <= le);
        if (bucket !== -1) histogram.counts[bucket] = (histogram.counts[bucket] ?? 0) + 1;
        histogram.sum += seconds;
        histogram.count++;
      };
    };
    return Object.assign((labels: Labels, seconds: number) => series(labels)(seconds), {
      series,
    });
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
          let cumulative = 0;
          BUCKETS_S.forEach((le, i) => {
            cumulative += h.counts[i] ?? 0;
            lines.push(`${name}_bucket{${base}le="${le}"} ${cumulative}`);
          });
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
