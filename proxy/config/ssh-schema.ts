/**
 * The config of SSH targets (`kind: ssh` resources) and of the terminal machinery shared by all
 * of them (`terminal:`: the user CA's key generations). Kept apart from schema.ts, which only adds
 * them to its lists. docs/terminals.md explains how a target is set up to trust jitgate.
 */
import { z } from 'zod';
import { duration, ENV_NAME, SLUG } from './primitives.js';

/** POSIX-ish account names: what a certificate principal and an ssh login may be. */
const LOGIN = /^[a-z_][a-z0-9_.-]{0,31}$/;
const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9a-fA-F:]{2,39}$/;
/** An IPv4 or IPv6 address with an optional prefix length (sshd's source-address syntax). */
const CIDR =
  /^(?:\d{1,3}(?:\.\d{1,3}){3}(?:\/(?:3[0-2]|[12]?\d))?|[0-9a-fA-F:]{2,39}(?:\/(?:12[0-8]|1[01]\d|[1-9]?\d))?)$/;
const KEY_LINE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}( .*)?$/;

const login = z.string().regex(LOGIN, 'must be a login name (a-z, 0-9, _ . -; at most 32)');
const keyLine = z
  .string()
  .trim()
  .regex(KEY_LINE, 'must be an OpenSSH public key line such as "ssh-ed25519 AAAA…"');

export const sshResource = z
  .object({
    id: z
      .string()
      .regex(SLUG, 'must be a lowercase slug (a-z, 0-9, -), starting with a letter')
      .describe('Stable id used in grants, URLs and the CLI.'),
    kind: z.literal('ssh').describe('An SSH server reached through a recorded terminal session.'),
    name: z.string().min(1).optional().describe('Display name.'),
    description: z.string().optional().describe('Shown to people requesting access.'),
    host: z
      .string()
      .refine((h) => HOST.test(h) || IPV6.test(h), 'must be a hostname or IP address')
      .describe('Where sshd listens, as jitgate reaches it (hostname or IP).'),
    port: z.number().int().min(1).max(65535).default(22).describe('sshd port.'),
    logins: z
      .array(login)
      .min(1)
      .describe(
        'Logins a grant may use; each is the principal of the certificate jitgate mints (the target maps principals to accounts, see accounts).',
      ),
    accounts: z
      .record(login, login)
      .default({})
      .describe(
        "Login → account on the target, when they differ (the target's AuthorizedPrincipalsFile lets the account accept the login's principal). Default: the account is the login.",
      ),
    hostKey: keyLine
      .optional()
      .describe('The target\'s host public key, pinned ("ssh-ed25519 AAAA…"). Set this or hostCA.'),
    hostCA: keyLine
      .optional()
      .describe(
        "Public key of a CA that signs the target's host certificate. Set this or hostKey.",
      ),
    recording: z
      .enum(['required', 'optional'])
      .default('required')
      .describe(
        'required: a session that cannot be recorded is refused, one whose recording fails ends. optional: recorded when possible, the session goes on if recording fails. A policy or a vendor can make it required.',
      ),
    recordInput: z
      .boolean()
      .default(false)
      .describe('Also record keystrokes ("i" events). Off by default: input carries passwords.'),
    idleTimeout: duration
      .prefault('15m')
      .describe('A session without input (or resize) for this long ends.'),
    directAccess: z
      .boolean()
      .default(false)
      .describe(
        "Hand out certificates for the grantee's own key (`jitgate ssh-cert`, `jitgate exec`), used without jitgate's recorded relay. Turn on only for targets that run the jitgate guard (RevokedKeys kept current by `jitgate target-agent`, and its sshd hook), which refuses the certificate and ends its sessions when the grant ends (docs/terminals.md).",
      ),
    agentToken: z
      .string()
      .min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)')
      .optional()
      .describe(
        "Bearer the target's `jitgate target-agent --standing` sends its standing-privilege report with (docs/access-reviews.md). Prefer agentTokenEnv or agentTokenFile. Without one, reports for this resource are refused (401) and its host is not scanned.",
      ),
    agentTokenEnv: z
      .string()
      .regex(ENV_NAME, 'must be the name of an environment variable (letters, digits, _)')
      .optional()
      .describe('Environment variable holding agentToken; read at startup.'),
    agentTokenFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File holding agentToken (whitespace trimmed). A relative path is relative to the config file.',
      ),
    agentReportMaxAge: duration
      .prefault('1h')
      .describe(
        "A target agent's last standing report older than this also shows the target as `scan_failed` (is its agent running?), beside that report's findings. Keep it above the agent's `--scan-every` (10m by default).",
      ),
  })
  .strict()
  .superRefine((resource, ctx) => {
    const tokens = [resource.agentToken, resource.agentTokenEnv, resource.agentTokenFile];
    if (tokens.filter((v) => v !== undefined).length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['agentToken'],
        message: 'set only one of agentToken, agentTokenEnv, agentTokenFile',
      });
    if ((resource.hostKey === undefined) === (resource.hostCA === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['hostKey'],
        message: 'set exactly one of hostKey, hostCA',
      });
    for (const name of Object.keys(resource.accounts))
      if (!resource.logins.includes(name))
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', name],
          message: `names a login that is not in logins`,
        });
  });

export const terminalSchema = z
  .object({
    caSigningGeneration: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe(
        "Generation of the SSH user CA key that signs certificates; each generation's key is created on first use and kept in the store.",
      ),
    caAlsoTrust: z
      .array(z.number().int().min(1).max(1000))
      .default([])
      .describe(
        'More CA generations served at /ssh/ca.pub as trusted: a roll-over serves the old and the new key together.',
      ),
    sshCommand: z
      .string()
      .min(1)
      .default('ssh')
      .describe('The OpenSSH client to run (a path, or a name looked up in PATH).'),
    relaySourceAddresses: z
      .array(z.string().regex(CIDR, 'must be an IP address or CIDR, e.g. 10.0.0.5/32'))
      .default([])
      .describe(
        "Addresses (CIDR) jitgate's relay connects to targets from. When set, relay certificates carry sshd's source-address option: a copy taken from jitgate's host is useless anywhere else.",
      ),
    maxSessionsPerPerson: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(20)
      .describe(
        'Terminal sessions one person may have open at once on one jitgate process (web terminals and `jitgate ssh` together; each is an ssh client and a recording on this host). One more is refused with 429 `too_many_terminals`.',
      ),
  })
  .strict();
