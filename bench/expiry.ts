/**
 * Expiry at scale: E people whose grants all end at the same second T, each holding one open
 * WebSocket through jitgate to the upstream's echo. Every connection must be cut by jitgate
 * itself within a second of T; each is timed from T to the first sign of the cut (close frame or
 * end of stream) and to the connection being fully closed. (WebSockets, not held HTTP exchanges:
 * jitgate's upstream pool has 256 connections per app, so exchanges beyond that would queue.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { holdWebSocket, type HeldSocket } from './held-socket.js';
import { stopJitgate } from './jitgate.js';
import { startSeeded } from './scale-instance.js';
import type { Stack } from './stack.js';
import { percentilesOf, type Percentiles } from './stats.js';

export interface ExpiryResult {
  grants: number;
  /** Connections open at T (the others failed to open or closed early). */
  openAtExpiry: number;
  cutWithinOneSecond: number;
  /** Still open 10 s after T. */
  notCut: number;
  /** From T to the close frame or end of stream. */
  cutMs: Percentiles;
  /** From T to the TCP connection closed (also waits for jitgate to finish its side). */
  closedMs: Percentiles;
}

const OPENING_AT_ONCE = 50;
const GIVE_UP_AFTER_MS = 10_000;

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
    const held: HeldSocket[] = [];
    let next = 0;
    const opener = async () => {
      while (next < grants) {
        const cookie = instance.cookies[next++] ?? '';
        const socket = await holdWebSocket(instance.jitgate.port, '/ws', instance.headers(cookie));
        held.push(socket);
      }
    };
    await Promise.all(Array.from({ length: OPENING_AT_ONCE }, opener));
    if (Date.now() >= expiresAt)
      throw new Error(
        `opening ${grants} connections took past their expiry: lower BENCH_EXPIRING_GRANTS`,
      );
    const open = held.filter((h) => h.cutAt === undefined);
    progress(
      `expiry: ${open.length} connections open, grants end in ` +
        `${((expiresAt - Date.now()) / 1000).toFixed(0)} s`,
    );
    const deadline = expiresAt + GIVE_UP_AFTER_MS;
    while (open.some((h) => h.closedAt === undefined) && Date.now() < deadline) await sleep(50);
    const since = (at: number | undefined) => (at === undefined ? [] : [at - expiresAt]);
    const cuts = open.flatMap((h) => since(h.cutAt));
    const result: ExpiryResult = {
      grants,
      openAtExpiry: open.length,
      cutWithinOneSecond: cuts.filter((ms) => ms >= 0 && ms <= 1000).length,
      notCut: open.length - cuts.length,
      cutMs: percentilesOf(cuts),
      closedMs: percentilesOf(open.flatMap((h) => since(h.closedAt))),
    };
    progress(
      `expiry: ${result.cutWithinOneSecond}/${open.length} cut within 1 s, last after ` +
        `${result.cutMs.p100.toFixed(0)} ms (closed after ${result.closedMs.p100.toFixed(0)} ms)`,
    );
    return result;
  } finally {
    await stopJitgate(instance.jitgate);
  }
}
