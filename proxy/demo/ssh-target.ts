/**
 * A real OpenSSH sshd on a loopback port that trusts jitgate's user CA: the demo's SSH target,
 * and the one the tests log in to. Its host key is made fresh (so the resource can pin it), the
 * CA keys go to TrustedUserCAKeys, RevokedKeys names the revocation list (empty until a target
 * agent keeps it current), and each local account accepts the principals given. It runs as
 * whoever started it: as root (PermitRootLogin prohibit-password) any account may be mapped;
 * otherwise only the current user's own account can log in.
 *
 * As root it is **guarded** like a production target (docs/terminals.md): the principals come from
 * the jitgate sshd hook, which records each certificate login for `jitgate target-agent`. sshd
 * runs that hook only from a root-owned path no one else can write, so its folder is made under
 * /run; without root there is no guard and AuthorizedPrincipalsFile gives the principals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sshdHookPath } from '../target/hook-path.js';
import { writeRevocationList } from '../terminal/ssh-krl.js';
import { newEd25519, openSshPrivateKey, publicKeyLine } from '../terminal/ssh-keys.js';
import { freePort } from './ports.js';
import { cleanLogin } from './login-shell.js';

export const SSHD_PATH = '/usr/sbin/sshd';

/** Runs sshd ($0, config $1) and kills it once stdin reaches its end. */
const WATCHDOG =
  // Background lists read /dev/null in a non-interactive shell: the pipe goes in as fd 3.
  'exec 3<&0; "$0" -D -e -f "$1" & pid=$!; (read -r _ <&3; kill "$pid" 2>/dev/null) & wait "$pid"';

export interface SshTargetOptions {
  /** TrustedUserCAKeys lines. */
  caKeys: readonly string[];
  /** Local account → principals it accepts. */
  principals: Record<string, readonly string[]>;
  sshdPath?: string;
  /**
   * Let accounts' authorized_keys admit too (`AuthorizedKeysFile <dir>/authorized_keys/%u`), as
   * many hosts do: the standing-privilege tests add a key there behind jitgate's back. Off by
   * default (`AuthorizedKeysFile none`): only certificates admit.
   */
  authorizedKeys?: boolean;
}

export interface SshTarget {
  host: string;
  port: number;
  /** The pinned host key line for the resource config. */
  hostKey: string;
  /** What sshd wrote to stderr (LogLevel VERBOSE): why logins were refused. */
  log(): string;
  /** The file RevokedKeys names (a target agent keeps it current). */
  revokedKeysFile: string;
  /** Where the sshd hook records certificate logins; undefined when the target is not guarded. */
  sessionsDir: string | undefined;
  /** Where account NAME's authorized_keys is (`<dir>/NAME`), when `authorizedKeys` is on. */
  authorizedKeysDir: string | undefined;
  /** The sshd_config it runs with (for `sshd -T -f`). */
  configFile: string;
  /** Replaces the trusted CA keys; sshd reads the file at every login. */
  trust(caKeys: readonly string[]): void;
  close(): Promise<void>;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

function config(
  dir: string,
  port: number,
  guarded: boolean,
  authorizedKeys: boolean,
  login: string[],
): string {
  const principals = guarded
    ? [
        `AuthorizedPrincipalsCommand ${join(dir, 'jitgate-sshd-hook')} ${join(dir, 'sessions')} ${join(dir, 'principals')} %u %s %k`,
        `AuthorizedPrincipalsCommandUser ${userInfo().username}`,
      ]
    : [`AuthorizedPrincipalsFile ${join(dir, 'principals')}/%u`];
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `TrustedUserCAKeys ${join(dir, 'user_ca.pub')}`,
    `RevokedKeys ${join(dir, 'revoked_keys')}`,
    ...principals,
    authorizedKeys
      ? `AuthorizedKeysFile ${join(dir, 'authorized_keys')}/%u`
      : 'AuthorizedKeysFile none',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    // The files live in a temporary folder, not in a home directory sshd would check.
    'StrictModes no',
    'PrintMotd no',
    'PrintLastLog no',
    'AllowTcpForwarding no',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'LogLevel VERBOSE',
    ...login,
    '',
  ].join('\n');
}

/** Starts sshd; undefined when it is not installed (the demo then runs without a target). */
export async function startSshTarget(options: SshTargetOptions): Promise<SshTarget | undefined> {
  const sshd = options.sshdPath ?? SSHD_PATH;
  if (!existsSync(sshd)) return undefined;
  // sshd as root insists on its privilege separation folder, which a container may lack.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd'))
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const guarded = process.getuid?.() === 0;
  const dir = mkdtempSync(join(guarded ? '/run' : tmpdir(), 'jitgate-sshd-'));
  const host = newEd25519();
  writeFileSync(join(dir, 'host_ed25519'), openSshPrivateKey(host.privateKey), { mode: 0o600 });
  writeFileSync(join(dir, 'user_ca.pub'), options.caKeys.join('\n') + '\n');
  const empty = writeRevocationList({
    caKeys: [],
    serials: [],
    version: 0n,
    generatedAt: Date.now(),
  });
  writeFileSync(join(dir, 'revoked_keys'), empty, { mode: 0o644 });
  if (guarded) {
    copyFileSync(sshdHookPath(), join(dir, 'jitgate-sshd-hook'));
    chmodSync(join(dir, 'jitgate-sshd-hook'), 0o755);
    mkdirSync(join(dir, 'sessions'), { mode: 0o700 });
  }
  mkdirSync(join(dir, 'principals'));
  if (options.authorizedKeys) mkdirSync(join(dir, 'authorized_keys'));
  // Logins get a plain shell, not the account's login files (login-shell.ts says why).
  const login = [cleanLogin(dir)];
  for (const [account, names] of Object.entries(options.principals))
    writeFileSync(join(dir, 'principals', account), names.join('\n') + '\n');

  let stderr = '';
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    const port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      config(dir, port, guarded, options.authorizedKeys === true, login),
    );
    // sshd outlives a parent killed with SIGKILL; this shell ends it when our end of its stdin
    // closes, which the kernel does for a dead parent too.
    const started = spawn('/bin/sh', ['-c', WATCHDOG, sshd, join(dir, 'sshd_config')], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    started.stderr?.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-200_000)),
    );
    let exited = false;
    started.once('exit', () => (exited = true));
    const deadline = Date.now() + 5_000;
    while (!exited && Date.now() < deadline && !(await accepts(port)))
      await new Promise((r) => setTimeout(r, 50));
    if (!exited && (await accepts(port))) {
      child = started;
      const running = child;
      return {
        host: '127.0.0.1',
        port,
        hostKey: publicKeyLine(host.publicKey),
        log: () => stderr,
        revokedKeysFile: join(dir, 'revoked_keys'),
        sessionsDir: guarded ? join(dir, 'sessions') : undefined,
        authorizedKeysDir: options.authorizedKeys ? join(dir, 'authorized_keys') : undefined,
        configFile: join(dir, 'sshd_config'),
        trust: (keys) => writeFileSync(join(dir, 'user_ca.pub'), keys.join('\n') + '\n'),
        async close() {
          // A Ctrl-C to the whole group may have ended it already (exitCode stays null then).
          if (running.exitCode === null && running.signalCode === null) {
            const gone = new Promise((r) => running.once('exit', r));
            running.stdin?.destroy();
            await gone;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    started.stdin?.end();
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`sshd did not start: ${stderr.slice(-2000)}`);
}
