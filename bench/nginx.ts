/**
 * nginx as the reference proxy: one worker, a kept-alive upstream pool, everything (config, pid,
 * error log, temp paths) in a temp folder, run in the foreground as our child.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nginxTempPaths } from '../proxy/demo/replicas/nginx.js';
import { startChild } from './children.js';
import { findExecutable } from './load.js';
import { accepts, freePort } from './ports.js';
import { childPids } from './proc-cpu.js';

export const findNginx = () => findExecutable('nginx', ['/usr/sbin', '/usr/local/sbin', '/sbin']);

export interface RunningNginx {
  port: number;
  masterPid: number;
  workerPids: number[];
}

/**
 * `upstreamPorts`: one for the nginx row; several for the replicas row, which also passes the Host
 * header on (jitgate routes app hosts by it).
 */
export function nginxConfig(
  dir: string,
  port: number,
  upstreamPorts: readonly number[],
  temp: string,
  passHost = false,
) {
  // keepalive_requests is raised on both sides so that neither nginx nor jitgate pays
  // reconnects that the other does not (node:http and undici keep a connection indefinitely).
  return `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
${temp}
  upstream bench_upstream {
${upstreamPorts.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
${passHost ? '      proxy_set_header Host $http_host;\n' : ''}    }
  }
}
`;
}

export async function startNginx(
  binary: string,
  dir: string,
  upstreamPort: number | readonly number[],
  /** Its own port when chosen in advance (a portal origin the IdP must know); else a free one. */
  chosenPort?: number,
): Promise<RunningNginx> {
  const balancer = typeof upstreamPort !== 'number';
  chmodSync(dir, 0o755); // workers run as an unprivileged user when we are root
  const port = chosenPort ?? (await freePort());
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    nginxConfig(
      dir,
      port,
      balancer ? upstreamPort : [upstreamPort],
      nginxTempPaths(binary, dir),
      balancer,
    ),
  );
  const args = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
  const master = startChild(binary, args);
  let stderr = '';
  master.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const pid = master.pid;
  for (let i = 0; i < 100; i++) {
    if (master.exitCode !== null || pid === undefined) break;
    const workers = childPids(pid);
    if (workers.length > 0 && (await accepts(port)))
      return { port, masterPid: pid, workerPids: workers };
    await sleep(100);
  }
  throw new Error(`nginx did not start (exit ${master.exitCode}):\n${stderr}`);
}
