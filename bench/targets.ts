/** The servers under test, each in its own process: the direct upstream and jitgate. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJsonChild } from './children.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Extra node flags for the jitgate child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
const proxyNodeArgs = (process.env.BENCH_PROXY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

export interface ServerProcess {
  pid: number;
  port: number;
}

async function startTsChild(
  label: string,
  file: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const { child, ready } = await startJsonChild(
    label,
    process.execPath,
    ['--import', 'tsx', ...nodeArgs, join(REPO_ROOT, 'bench', file)],
    { cwd: REPO_ROOT, env: { ...process.env, ...env } },
  );
  if (typeof ready.port !== 'number' || child.pid === undefined) {
    throw new Error(`${label} reported no port: ${JSON.stringify(ready)}`);
  }
  return { pid: child.pid, port: ready.port };
}

export const startUpstream = () => startTsChild('upstream', 'upstream-child.ts', {});

export const startJitgate = (upstreamUrl: string, stateDir: string) =>
  startTsChild(
    'jitgate',
    'proxy-child.ts',
    { BENCH_UPSTREAM: upstreamUrl, BENCH_STATE_DIR: stateDir },
    proxyNodeArgs,
  );
