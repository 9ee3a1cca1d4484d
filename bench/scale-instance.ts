/**
 * A jitgate of its own for the scale rows: a fresh state folder seeded with `people` (each a
 * session and a live grant), started from the compiled CLI with the bench's IdP and upstream.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { APP_HOST, benchJitgateConfig } from './jitgate-config.js';
import { startJitgateChild, type RunningJitgate } from './jitgate.js';
import { BENCH_PATH } from './login.js';
import { freePort } from './ports.js';
import { seedPeople } from './seed.js';
import type { Stack } from './stack.js';

export interface ScaleInstance {
  jitgate: RunningJitgate;
  /** Cookie header of each seeded person. */
  cookies: string[];
  /** Headers for payroll through this instance (Host included), given a Cookie. */
  headers(cookie: string): Record<string, string>;
}

export async function startSeeded(
  stack: Stack,
  label: string,
  people: number,
  grantsEndAt: number,
  nodeArgs: readonly string[],
): Promise<ScaleInstance> {
  const stateDir = join(stack.tmp, label);
  mkdirSync(stateDir, { recursive: true });
  const cookies = await seedPeople(stateDir, { people, grantsEndAt, prefix: 'bench' });
  const config = benchJitgateConfig({
    port: await freePort(),
    stateDir,
    issuer: stack.issuer,
    clientId: stack.jitgateClient.clientId,
    clientSecret: stack.jitgateClient.clientSecret,
    upstreamUrl: stack.upstreamUrl,
    ssh: undefined,
  });
  const jitgate = await startJitgateChild(label, stack.tmp, config, nodeArgs);
  const host = `${APP_HOST}:${jitgate.port}`;
  return { jitgate, cookies, headers: (cookie) => ({ Host: host, Cookie: cookie }) };
}

/** One request per person, a few dozen at a time: every session lands in the cache. */
export async function touchEverySession(instance: ScaleInstance): Promise<void> {
  const pool = new Pool(`http://127.0.0.1:${instance.jitgate.port}`, { connections: 32 });
  let next = 0;
  let refused = 0;
  const worker = async () => {
    while (next < instance.cookies.length) {
      const cookie = instance.cookies[next++] ?? '';
      const { statusCode, body } = await pool.request({
        path: BENCH_PATH,
        method: 'GET',
        headers: instance.headers(cookie),
      });
      await body.dump();
      if (statusCode !== 200) refused++;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  await pool.close();
  if (refused > 0) throw new Error(`${refused} seeded sessions were refused`);
}
