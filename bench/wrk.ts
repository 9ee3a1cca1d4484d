/** wrk as the load generator: `-t2 -c64 -d<N>s --latency`, its text output parsed. */
import { startChild, exited } from './children.js';
import { CONNECTIONS, THREADS, type LoadGenerator, type LoadResult } from './load.js';

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function durationMs(value: string, unit: string): number {
  const scale = UNIT_MS[unit];
  if (scale === undefined) throw new Error(`unknown wrk time unit "${unit}"`);
  return Number(value) * scale;
}

function percentileMs(output: string, percent: string): number {
  const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(output);
  if (!match?.[1] || !match[2]) throw new Error(`no ${percent}% latency in wrk output`);
  return durationMs(match[1], match[2]);
}

export function parseWrkOutput(output: string): LoadResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m|h),/.exec(output);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!total?.[1] || !total[2] || !total[3] || !rps?.[1]) {
    throw new Error(`cannot read wrk output:\n${output}`);
  }
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requests: Number(total[1]),
    seconds: durationMs(total[2], total[3]) / 1000,
    rps: Number(rps[1]),
    p50Ms: percentileMs(output, '50'),
    p99Ms: percentileMs(output, '99'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    errors,
  };
}

export function wrkGenerator(binary: string): LoadGenerator {
  return {
    name: `wrk -t${THREADS} -c${CONNECTIONS} --latency`,
    async run(target, seconds) {
      const headers = Object.entries(target.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
      const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency'];
      const child = startChild(binary, [...args, ...headers, target.url]);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await exited(child);
      if (code !== 0) throw new Error(`wrk exited with ${code}:\n${output}`);
      return parseWrkOutput(output);
    },
  };
}
