/**
 * `node --import tsx bench/trail-cost.ts`: the CPU the web session trail adds to each proxied
 * request, measured in-process so that other load on the machine barely moves it (the wrk
 * benchmark's µs/request swings by more than the trail costs). Runs what the gateway runs per
 * exchange (the trail tap building the row, the writer's push) and what the writer does later
 * (batched SQLite inserts on a real file, WAL and full sync as in production), at a steady
 * request rate, and prints CPU µs per request: tap + queue, and in all.
 *   TRAIL_REQUESTS=N   requests to simulate (default 150000)
 *   TRAIL_RATE=N       requests per second (default 15000, about what the proxy serves here)
 *   TRAIL_BASELINE=1   rows are built and thrown away: the cost of the loop without the trail
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../proxy/audit/audit-log.js';
import { validateConfig } from '../proxy/config/load.js';
import { buildRoutes } from '../proxy/gateway/app-routes.js';
import { newExchangeBytes } from '../proxy/gateway/exchange-bytes.js';
import { createTrailTap } from '../proxy/gateway/trail-tap.js';
import { silentLogger } from '../proxy/shared/logger.js';
import { openSqliteStore } from '../proxy/store/sqlite/sqlite-store.js';
import type { GrantRecord } from '../proxy/store/types.js';
import { createTrailService } from '../proxy/trail/trail-service.js';

/** Requests per turn of the event loop: about what 64 keep-alive connections deliver. */
const PER_TURN = 64;
const total = Math.ceil(Number(process.env.TRAIL_REQUESTS ?? 150_000) / PER_TURN) * PER_TURN;
const rate = Number(process.env.TRAIL_RATE ?? 15_000);
const dir = mkdtempSync(join(tmpdir(), 'jitgate-trail-cost-'));
const store = openSqliteStore(join(dir, 'jitgate.db'));
const config = validateConfig({
  identityProviders: [{ id: 'corp', issuer: 'https://idp.example.com', clientId: 'x' }],
  resources: [
    { id: 'payroll', kind: 'web', host: 'payroll.localhost', upstream: 'http://127.0.0.1:9' },
  ],
});
const route = buildRoutes(config, 'http://localhost:8080').get('payroll.localhost');
if (!route) throw new Error('no route');
const audit = new AuditLog(store.audit, store, Date.now);
const trail = createTrailService({
  store,
  audit,
  resources: config.resources,
  now: Date.now,
  log: silentLogger,
});
// TRAIL_BASELINE=1: the same loop with rows thrown away, to subtract the pacing loop's own cost.
const tap = createTrailTap(process.env.TRAIL_BASELINE ? () => undefined : trail.push, 'ins_bench');
const grant: GrantRecord = {
  id: 'grt_benchmark0001',
  userId: 'demo:alice',
  resourceId: 'payroll',
  startsAt: 0,
  endsAt: Date.now() + 3_600_000,
  reason: null,
  createdBy: 'bench',
  createdAt: 0,
  revokedAt: null,
  revokedBy: null,
};
const req = {
  method: 'GET',
  url: '/bench',
  headers: { 'user-agent': 'wrk' },
  socket: { remoteAddress: '127.0.0.1' },
} as unknown as IncomingMessage;
const res = { writableFinished: true } as unknown as ServerResponse;

/** Waits until `done` requests are due at `rate` (a turn of the event loop at the least). */
const paced = (began: number, done: number) =>
  new Promise<void>((resolve) => {
    const due = began + (done / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) setTimeout(resolve, wait);
    else setImmediate(resolve);
  });
const cpuUs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

let tapCpu = 0;
const start = process.cpuUsage();
const began = performance.now();
for (let done = 0; done < total; done += PER_TURN) {
  const before = process.cpuUsage();
  for (let i = 0; i < PER_TURN; i++) {
    // What the gateway does per request: begin (tracked while under way), then its row.
    const exchange = tap.begin(route, req, res, grant, Date.now(), newExchangeBytes());
    tap.http(exchange, 0.0004, 200, 0, 1024, 'complete', undefined);
  }
  tapCpu += cpuUs(before);
  await paced(began, done + PER_TURN);
}
await trail.flush();
const all = cpuUs(start);
const rows = await store.trail.count({});
await trail.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
const per = (us: number) => (us / total).toFixed(2);
console.log(
  `trail cost over ${total} requests (${rows} rows stored, ${trail.stats().dropped} dropped):`,
);
console.log(`  in the request (tap + queue push): ${per(tapCpu)} µs CPU/request`);
console.log(`  in all (with batched SQLite writes): ${per(all)} µs CPU/request`);
