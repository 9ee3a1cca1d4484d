/**
 * The facts `jitgate target-agent --standing` reports about standing SSH access on its host:
 * sshd's effective configuration (`sshd -T`, as sshd itself resolves it), and for every local
 * account (/etc/passwd) the keys in its AuthorizedKeysFile files and the principals its
 * AuthorizedPrincipalsFile (or jitgate's sshd hook's principals folder) lists. Read-only and
 * bounded: files are read up to 1 MiB, keys leave as fingerprints.
 *
 * The agent runs as root, but sshd reads an account's files with the account's privileges (the
 * hook's folder with AuthorizedPrincipalsCommandUser's): a file is reported only if that account
 * could read it itself (account-can-read.ts), so an account cannot make its principals file a
 * symlink to /etc/shadow and have root's reading of it shown to jitgate's auditors. A file it
 * could not read is skipped, as sshd would not use it either.
 *
 * When the configuration has `Match` blocks (sshd-includes.ts), each account's files and
 * settings are the ones sshd gives that account (`sshd -T -C user=NAME`: Match User and Group
 * apply), and a setting that admits without a certificate counts if it does for any account.
 * Match blocks on the connection (Address, Host, LocalPort…) are not applied: which client
 * connects is not known here.
 */
import { execFile } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { emptyStandingReport, type SshStandingReport } from '../shared/ssh-standing-report.js';
import { accountCanRead, type LocalIdentity } from './account-can-read.js';
import { parseAuthorizedKeys, splitOptions } from './authorized-keys.js';
import { localAccounts, type LocalAccount } from './local-accounts.js';
import { sshdConfigHasMatch } from './sshd-includes.js';

export interface StandingFactsOptions {
  resource: string;
  /** The sshd binary (`sshd -T` runs it). */
  sshd: string;
  sshdConfig: string;
  /** The accounts file, /etc/passwd. */
  passwd: string;
  /** The groups file, /etc/group (supplementary groups decide what an account may read). */
  group: string;
}

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ENTRIES = 10_000;
const HOOK = 'jitgate-sshd-hook';
/**
 * Non-blocking, as sshd opens these files: a FIFO an account put in place of its authorized_keys
 * would otherwise hold the open until a writer came, and with it this whole process, the
 * revocation sweep included. A terminal never becomes the agent's controlling one.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * The file's text, or undefined when it is absent, not a regular file, too large, or (given a
 * reader) not readable by that account itself.
 */
function readBounded(path: string, reader?: LocalIdentity): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    if (reader && !accountCanRead(reader, fd, path)) return undefined;
    const buffer = Buffer.alloc(stat.size);
    const read = readSync(fd, buffer, 0, stat.size, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

type SshdConfig = Map<string, string>;

/**
 * `sshd -T` as keyword → value (keywords lowercase, as sshd prints them); for `user`, with the
 * Match blocks that apply to that account (its name is well-formed: localAccounts checks it).
 */
function effectiveConfig(options: StandingFactsOptions, user?: string): Promise<SshdConfig> {
  const test = user === undefined ? [] : ['-C', `user=${user}`];
  return new Promise((resolve, reject) => {
    execFile(
      options.sshd,
      ['-T', '-f', options.sshdConfig, ...test],
      { timeout: 10_000, maxBuffer: MAX_FILE_BYTES },
      (error, stdout) => {
        if (error) return reject(new Error(`sshd -T${user ? ` -C user=${user}` : ''} failed`));
        const config = new Map<string, string>();
        for (const line of stdout.split('\n')) {
          const match = /^([a-z0-9]+) (.*)$/.exec(line.trim());
          if (match?.[1] && !config.has(match[1])) config.set(match[1], match[2] ?? '');
        }
        resolve(config);
      },
    );
  });
}

/** sshd's tokens in a file setting (%% %h %u %U); relative paths start at the home folder. */
function expand(pattern: string, account: LocalAccount): string {
  const path = pattern.replace(/%([%huU])/g, (_m, token: string) =>
    token === '%'
      ? '%'
      : token === 'h'
        ? account.home
        : token === 'u'
          ? account.name
          : String(account.uid),
  );
  return isAbsolute(path) ? path : join(account.home, path);
}

const setting = (config: SshdConfig, key: string) => {
  const value = config.get(key);
  return value === undefined || value === 'none' ? undefined : value;
};

const printable = (text: string, max: number) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, max);

/** Principals files lines: a principal, optionally after options. */
function principalsIn(text: string): string[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const [first, rest] = splitOptions(line);
    return [printable(rest || first, 100)];
  });
}

/** The account's settings: its own when Match blocks may change them, else the global ones. */
async function accountConfigs(
  options: StandingFactsOptions,
  global: SshdConfig,
  accounts: LocalAccount[],
): Promise<SshdConfig[]> {
  if (!sshdConfigHasMatch(options.sshdConfig)) return accounts.map(() => global);
  const configs: SshdConfig[] = [];
  for (const account of accounts) configs.push(await effectiveConfig(options, account.name));
  return configs;
}

/** jitgate's own hook names its principals folder; any other command is unknown to us. */
function principalsCommandOf(config: SshdConfig) {
  const command = setting(config, 'authorizedprincipalscommand')?.split(/\s+/);
  const hook = command && basename(command[0] ?? '') === HOOK ? command[2] : undefined;
  return { command, hook };
}

export async function standingFacts(options: StandingFactsOptions): Promise<SshStandingReport> {
  const report = emptyStandingReport(options.resource);
  const accounts = localAccounts(
    readBounded(options.passwd) ?? '',
    readBounded(options.group) ?? '',
  );
  let global: SshdConfig;
  let configs: SshdConfig[];
  try {
    global = await effectiveConfig(options);
    configs = await accountConfigs(options, global, accounts);
  } catch (error) {
    return { ...report, failure: error instanceof Error ? error.message : 'sshd -T failed' };
  }
  // What admits without a certificate, for any account.
  const any = (test: (config: SshdConfig) => boolean) => [global, ...configs].some(test);
  const yes = (key: string) => any((config) => config.get(key) === 'yes');
  report.sshd = {
    passwordAuthentication: yes('passwordauthentication'),
    kbdInteractiveAuthentication: yes('kbdinteractiveauthentication'),
    hostbasedAuthentication: yes('hostbasedauthentication'),
    authorizedKeysCommand: any((config) => setting(config, 'authorizedkeyscommand') !== undefined),
    authorizedPrincipalsCommand: any((config) => {
      const { command, hook } = principalsCommandOf(config);
      return command !== undefined && hook === undefined;
    }),
  };
  const caFile = setting(global, 'trustedusercakeys');
  if (caFile)
    report.trustedCaKeys = parseAuthorizedKeys(readBounded(caFile) ?? '')
      .flatMap((k) => (k.fingerprint ? [k.fingerprint] : []))
      .slice(0, 100);

  accounts.forEach((account, i) => {
    if (report.keys.length >= MAX_ENTRIES || report.principals.length >= MAX_ENTRIES) return;
    const config = configs[i] ?? global;
    const keyFiles = (setting(config, 'authorizedkeysfile') ?? '').split(/\s+/).filter(Boolean);
    for (const pattern of keyFiles) {
      const file = expand(pattern, account);
      const text = readBounded(file, account);
      if (text === undefined) continue;
      for (const key of parseAuthorizedKeys(text))
        report.keys.push({ account: account.name, file: printable(file, 300), ...key });
    }
    // The hook reads its folder as AuthorizedPrincipalsCommandUser (`%u`: the account logging in).
    const principalsFile = setting(config, 'authorizedprincipalsfile');
    const hookPrincipals = principalsCommandOf(config).hook;
    const hookUser = setting(config, 'authorizedprincipalscommanduser');
    const hookReader = () =>
      accounts.find((a) => a.name === hookUser?.replace(/%u/g, account.name));
    const [principalsPath, reader] = principalsFile
      ? [expand(principalsFile, account), account]
      : hookPrincipals && isAbsolute(hookPrincipals)
        ? [join(hookPrincipals, account.name), hookReader()]
        : [];
    const principals = principalsPath && reader ? readBounded(principalsPath, reader) : undefined;
    for (const principal of principalsIn(principals ?? ''))
      report.principals.push({ account: account.name, principal });
  });
  report.keys = report.keys.slice(0, MAX_ENTRIES);
  report.principals = report.principals.slice(0, MAX_ENTRIES);
  return report;
}
