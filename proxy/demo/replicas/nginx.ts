/**
 * nginx as the demo's load balancer: round robin over the jitgate replicas for every path (the
 * portal, every app host, every sign-in flow: their one-time codes are in the store, redeemed
 * once on whichever replica a step lands), the demo IdPs on their own process, WebSockets and event streams passed through.
 * Everything nginx writes (pid, logs, temp files) stays in a temporary folder; it runs in the
 * foreground as our child. This is the config docs/deployment.md shows, on loopback.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';

export interface DemoNginx {
  process: ChildProcess;
  stop(): void;
}

/** The nginx binary; a clear error when nginx is not installed. */
export function findNginx(): string {
  for (const path of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'])
    if (existsSync(path)) return path;
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  throw new Error('nginx is not installed: apt-get install nginx');
}

export interface NginxPlan {
  port: number;
  replicaPorts: number[];
  /** Where the demo IdPs (and their path prefixes) are served. */
  idpPort: number;
  idpPaths: string[];
  /** Also listen on [::1] ("localhost" may resolve there first). */
  ipv6: boolean;
}

/** Temp-path directives for the modules this nginx has (`nginx -V` lists what is left out). */
export function nginxTempPaths(binary: string, dir: string): string {
  const built = spawnSync(binary, ['-V'], { encoding: 'utf8' });
  const flags = `${built.stdout}${built.stderr}`;
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .filter((m) => m === 'client_body' || !flags.includes(`--without-http_${m}_module`))
    .map((m) => `  ${m}_temp_path ${join(dir, m)};`)
    .join('\n');
}

export function nginxConfig(plan: NginxPlan, dir: string, temp: string): string {
  const proxied = `      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_buffering off;
      proxy_read_timeout 1h;`;
  return `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
${temp}
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream jitgate {
${plan.replicaPorts.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
  }
  server {
    listen 127.0.0.1:${plan.port};
${plan.ipv6 ? `    listen [::1]:${plan.port};\n` : ''}${plan.idpPaths
    .map(
      (path) => `    location ${path}/ {
      proxy_pass http://127.0.0.1:${plan.idpPort};
${proxied}
    }`,
    )
    .join('\n')}
    location / {
      proxy_pass http://jitgate;
${proxied}
      proxy_next_upstream error timeout http_503;
    }
  }
}
`;
}

/** Resolves once nginx accepts connections on its port; rejects if it exits first. */
export async function nginxListening(nginx: DemoNginx, port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (nginx.process.exitCode !== null)
      throw new Error(`nginx exited (${nginx.process.exitCode})`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await sleep(50);
  }
  throw new Error(`nginx did not listen on ${port}`);
}

export function startNginx(binary: string, plan: NginxPlan): DemoNginx {
  const dir = mkdtempSync(join(tmpdir(), 'jitgate-demo-nginx-'));
  chmodSync(dir, 0o755); // workers run as an unprivileged user when we are root
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(plan, dir, nginxTempPaths(binary, dir)));
  const args = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
  const child = spawn(binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  return {
    process: child,
    stop() {
      child.kill('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
