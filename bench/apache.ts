/**
 * Apache httpd + mod_auth_openidc, the peer people deploy for the same job: an OIDC session
 * cookie, the ID token's claims injected as headers, mod_proxy to the same upstream with kept-alive
 * connections. One process with 128 threads (mpm_event), as measured in issue #19. A private
 * instance: config, pid, logs and the mutex in a temp folder, in the foreground as our child (the
 * system service is never touched).
 */
import { existsSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { startChild } from './children.js';
import { findExecutable } from './load.js';
import { waitForPort } from './ports.js';
import { childPids } from './proc-cpu.js';

const MODULES_DIR = '/usr/lib/apache2/modules';
const MODULES = [
  ['mpm_event_module', 'mod_mpm_event.so'],
  ['authn_core_module', 'mod_authn_core.so'],
  ['authz_core_module', 'mod_authz_core.so'],
  ['authz_user_module', 'mod_authz_user.so'],
  ['auth_openidc_module', 'mod_auth_openidc.so'],
  ['proxy_module', 'mod_proxy.so'],
  ['proxy_http_module', 'mod_proxy_http.so'],
] as const;

export const findApache = () => findExecutable('apache2', ['/usr/sbin']);

/** Why the Apache row cannot run here, or undefined when it can. */
export function apacheMissing(): string | undefined {
  if (!findApache()) return 'apache2 is not installed (apt-get install apache2)';
  if (!existsSync(join(MODULES_DIR, 'mod_auth_openidc.so')))
    return 'mod_auth_openidc is not installed (apt-get install libapache2-mod-auth-openidc)';
  return undefined;
}

export interface ApacheSetup {
  dir: string;
  port: number;
  upstreamUrl: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export function apacheConfig(setup: ApacheSetup, runAsRoot: boolean): string {
  const { dir, port } = setup;
  const modules = MODULES.map(
    ([name, file]) => `LoadModule ${name} ${join(MODULES_DIR, file)}`,
  ).join('\n');
  return `ServerRoot ${dir}
ServerName localhost
Listen 127.0.0.1:${port}
PidFile ${join(dir, 'httpd.pid')}
ErrorLog ${join(dir, 'error.log')}
LogLevel warn
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
${modules}
${runAsRoot ? 'User www-data\nGroup www-data' : ''}

# One process, 128 threads.
StartServers 1
ServerLimit 1
ThreadLimit 128
ThreadsPerChild 128
MaxRequestWorkers 128
MinSpareThreads 1
MaxSpareThreads 128
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 65

OIDCProviderMetadataURL ${setup.issuer}/.well-known/openid-configuration
OIDCClientID ${setup.clientId}
OIDCClientSecret ${setup.clientSecret}
OIDCRedirectURI http://localhost:${port}/redirect_uri
OIDCCryptoPassphrase ${randomBytes(24).toString('base64url')}
OIDCScope "openid email profile groups"
OIDCPKCEMethod S256
OIDCPassClaimsAs headers
OIDCSessionInactivityTimeout 43200
OIDCSessionMaxDuration 43200

ProxyPass /redirect_uri !
ProxyPass / ${setup.upstreamUrl}/ max=128 ttl=65
<Location />
  AuthType openid-connect
  Require valid-user
</Location>
`;
}

export interface RunningApache {
  port: number;
  child: ChildProcess;
  /** The parent and its worker process (CPU is summed over all; mod_unixd is built in). */
  pids: () => number[];
}

export async function startApache(setup: ApacheSetup): Promise<RunningApache> {
  const binary = findApache();
  if (!binary) throw new Error('apache2 is not installed');
  const runAsRoot = process.getuid?.() === 0;
  if (runAsRoot) chmodSync(setup.dir, 0o755); // the worker runs as www-data
  const conf = join(setup.dir, 'httpd.conf');
  writeFileSync(conf, apacheConfig(setup, runAsRoot), { mode: 0o644 });
  const child = startChild(binary, ['-d', setup.dir, '-f', conf, '-DFOREGROUND'], {
    env: { ...process.env, APACHE_RUN_DIR: setup.dir, APACHE_LOCK_DIR: setup.dir },
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout?.resume();
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  if (!(await waitForPort(setup.port, exited)) || child.pid === undefined)
    throw new Error(`Apache did not start (exit ${child.exitCode}):\n${output}`);
  const pid = child.pid;
  return { port: setup.port, child, pids: () => [pid, ...childPids(pid)] };
}
