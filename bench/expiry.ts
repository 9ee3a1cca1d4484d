/**
 * Expiry at scale: E people whose grants all end at the same second T, each holding one open
 * WebSocket through jitgate to the upstream's echo. Every connection must be cut by jitgate
 * itself within a second of T; each cut is timed from T. (WebSockets, not held HTTP exchanges:
 * jitgate's upstream pool has 256 connections per app, so exchanges beyond that would queue.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { stopJitgate } from './jitgate.js';
import { startSeeded, type ScaleInstance } from './scale-instance.js';
import type { Stack } from './stack.js';
import { percentilesOf, type Percentiles } from './stats.js';

export interface ExpiryResult {
  grants: number;
  /** Connections open at T (the others were not ready in time or failed). */
  openAtExpiry: number;
  cutWithinOneSecond: number;
  /** Still open 10 s after T. */
  notCut: number;
  /** From T to the client seeing its connection closed. */
  cutMs: Percentiles;
}

const OPENING_AT_ONCE = 50;
const GIVE_UP_AFTER_MS = 10_000;

/** Opens a WebSocket to the upstream's echo as one person; resolves once it is open. */
function holdOpen(instance: ScaleInstance, cookie: string, closedAt: (ms: number) => void) {
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${instance.jitgate.port}/ws`, {
      headers: instance.headers(cookie),
      handshakeTimeout: 10_000,
    });
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('close', () => closedAt(Date.now()));
  });
}

export async function measureExpiry(
  stack: Stack,
  grants: number,
  nodeArgs: readonly string[],
  progress: (msg: string) => void,
): Promise<ExpiryResult> {
  // Far enough ahead for jitgate to start and every connection to open.
  const expiresAt = Math.ceil((Date.now() + 15_000 + grants * 10) / 1000) * 1000;
  const instance = await startSeeded(stack, 'expiry', grants, expiresAt, nodeArgs);
  try {
    const closed = new Map<number, number>();
    let next = 0;
    let failed = 0;
    const opener = async () => {
      while (next < grants) {
        const index = next++;
        await holdOpen(instance, instance.cookies[index] ?? '', (at) =>
          closed.set(index, at),
        ).catch(() => failed++);
      }
    };
    await Promise.all(Array.from({ length: OPENING_AT_ONCE }, opener));
    const openAtExpiry =
      grants - failed - [...closed.values()].filter((at) => at < expiresAt).length;
    if (Date.now() >= expiresAt)
      throw new Error(
        `opening ${grants} connections took past their expiry: lower BENCH_EXPIRING_GRANTS`,
      );
    progress(
      `expiry: ${openAtExpiry} connections open, grants end in ${((expiresAt - Date.now()) / 1000).toFixed(0)} s`,
    );
    while (closed.size < grants - failed && Date.now() < expiresAt + GIVE_UP_AFTER_MS)
      await sleep(50);
    const cuts = [...closed.values()].filter((at) => at >= expiresAt).map((at) => at - expiresAt);
    const result: ExpiryResult = {
      grants,
      openAtExpiry,
      cutWithinOneSecond: cuts.filter((ms) => ms <= 1000).length,
      notCut: grants - failed - closed.size,
      cutMs: percentilesOf(cuts),
    };
    progress(
      `expiry: ${result.cutWithinOneSecond}/${openAtExpiry} cut within 1 s, last after ${result.cutMs.p100.toFixed(0)} ms`,
    );
    return result;
  } finally {
    await stopJitgate(instance.jitgate);
  }
}
