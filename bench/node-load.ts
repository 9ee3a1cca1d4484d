/**
 * Fallback load generator when wrk is not installed: 64 kept-alive connections from one undici
 * pool, one request in flight on each. It is slower than wrk (it shares a core with the servers
 * and runs JavaScript), so its absolute numbers are lower; the ratios stay comparable.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { CONNECTIONS, type LoadGenerator, type LoadResult } from './load.js';
import { percentile } from './stats.js';

export const nodeGenerator: LoadGenerator = {
  name: `built-in Node load generator (undici, c${CONNECTIONS})`,
  async run(target, seconds): Promise<LoadResult> {
    const url = new URL(target.url);
    const pool = new Pool(url.origin, { connections: CONNECTIONS, pipelining: 1 });
    const latencies: number[] = [];
    let non2xx = 0;
    let errors = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    const connection = async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        try {
          const { statusCode, body } = await pool.request({
            path: url.pathname + url.search,
            method: 'GET',
            headers: target.headers,
          });
          await body.dump();
          latencies.push(performance.now() - sent);
          if (statusCode < 200 || statusCode >= 400) non2xx++;
        } catch {
          errors++;
          await sleep(10);
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, connection));
    const elapsed = (performance.now() - started) / 1000;
    await pool.close();
    const sorted = Float64Array.from(latencies).sort();
    return {
      requests: latencies.length,
      seconds: elapsed,
      rps: latencies.length / elapsed,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      non2xx,
      errors,
    };
  },
};
