/** Everything one `npm run bench` measured, as the report and the plot read it. */
import type { ScaleResults } from './scale.js';
import type { Role } from './targets.js';
import type { TerminalResults } from './terminal-bench.js';
import type { WebMeasure } from './web.js';

export interface RunInfo {
  date: string;
  machine: string;
  /** The closed-loop generator, e.g. "wrk -t2 -c64 --latency". */
  generator: string;
  seconds: number;
  warmupSeconds: number;
  /** Open-loop rate, req/s. */
  rate: number;
  runs: number;
}

export interface WebResults {
  /** One list of rows per run, in measuring order. */
  runs: WebMeasure[][];
  skipped: { role: Role; why: string }[];
  /** jitgate's RSS once logged in (before any load) and after every run, and its parts then. */
  jitgateRssMiB: { before: number; after: number; afterAnon: number; afterFile: number };
}

export interface BenchResults {
  info: RunInfo;
  web: WebResults | undefined;
  /** A string says why the section was skipped. */
  terminals: TerminalResults | string | undefined;
  scale: ScaleResults | undefined;
  notes: string[];
}
