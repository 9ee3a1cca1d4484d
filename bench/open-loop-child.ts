/**
 * Open-loop load at a fixed rate (what wrk2 does; Debian has no wrk2), in its own process.
 * Request i is due at start + i/rate whatever happened to the earlier ones, and its latency is
 * measured from that intended time, not from when it could be sent: a server that stalls is
 * charged for every request that waited behind the stall (no coordinated omission). Requests
 * queue for one of a fixed set of kept-alive connections, as on wrk2's connections.
 * Input: BENCH_OPEN_LOOP = {"url","headers","rate","seconds","connections"} (JSON).
 * Output: one JSON line (OpenLoopResult) on stdout.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentilesOf } from './stats.js';
import type { OpenLoopInput, OpenLoopResult } from './open-loop.js';

const input = JSON.parse(process.env.BENCH_OPEN_LOOP ?? '{}') as OpenLoopInput;
const url = new URL(input.url);
const pool = new Pool(url.origin, {
  connections: input.connections,
  pipelining: 1,
  keepAliveTimeout: 60_000,
});
const total = Math.round(input.rate * input.seconds);
const intervalMs = 1000 / input.rate;
const latencies = new Float64Array(total);
const lateness = new Float64Array(total);
let completed = 0;
let non2xx = 0;
let errors = 0;
let pending = 0;
let allSent: () => void = () => undefined;
const drained = new Promise<void>((resolve) => (allSent = resolve));

function send(index: number, due: number) {
  pending++;
  lateness[index] = performance.now() - due;
  pool
    .request({ path: url.pathname + url.search, method: 'GET', headers: input.headers })
    .then(async ({ statusCode, body }) => {
      await body.arrayBuffer();
      if (statusCode < 200 || statusCode >= 400) non2xx++;
      latencies[completed++] = performance.now() - due;
    })
    .catch(() => errors++)
    .finally(() => {
      if (--pending === 0 && next === total) allSent();
    });
}

// Warm the connections first, so connection setup is not charged to the first requests.
await Promise.all(
  Array.from({ length: input.connections }, () =>
    pool
      .request({ path: url.pathname + url.search, method: 'GET', headers: input.headers })
      .then(({ body }) => body.arrayBuffer())
      .catch(() => undefined),
  ),
);

const start = performance.now() + 20;
let next = 0;
function tick() {
  const now = performance.now();
  while (next < total && start + next * intervalMs <= now) {
    send(next, start + next * intervalMs);
    next++;
  }
  if (next < total) setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
  else if (pending === 0) allSent();
}
tick();

const DRAIN_MS = 10_000;
await Promise.race([
  drained,
  new Promise((resolve) => setTimeout(resolve, input.seconds * 1000 + DRAIN_MS)),
]);
const elapsed = (performance.now() - start) / 1000;
const result: OpenLoopResult = {
  rate: input.rate,
  seconds: elapsed,
  sent: next,
  completed,
  unfinished: pending,
  non2xx,
  errors,
  latencyMs: percentilesOf(latencies.subarray(0, completed)),
  sendLatenessMs: percentilesOf(lateness.subarray(0, next)),
};
process.stdout.write(JSON.stringify(result) + '\n');
await pool.destroy();
process.exit(0);
