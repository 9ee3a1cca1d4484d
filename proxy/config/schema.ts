/**
 * The one configuration schema: every key, its default and its description. The loader validates
 * against it and docs/configuration.md is generated from it (`npm run docs:config`).
 */
import { z } from 'zod';
import { parseDuration } from '../shared/duration.js';
import { trailSchema } from './trail-schema.js';

// Exported so the docs generator can name these patterns instead of printing the regexes.
export const SLUG = /^[a-z][a-z0-9-]{0,62}$/;
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

const slug = z
  .string()
  .regex(SLUG, 'must be a lowercase slug (a-z, 0-9, -), starting with a letter');

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    // "http://:secret@host" has an empty username but still carries a credential.
    const credentials = url.username !== '' || url.password !== '';
    return (url.protocol === 'http:' || url.protocol === 'https:') && !credentials;
  } catch {
    return false;
  }
}, 'must be an http(s) URL without credentials');

const DURATION_HINT = 'must be a duration such as "90s", "30m", "8h", "1h30m"';

/** A duration such as "30m" or "1h30m"; parsed to milliseconds. */
export const duration = z
  // YAML reads `maxDuration: 30` as a number: say what a duration looks like, not "not a string".
  .string({ error: DURATION_HINT })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: DURATION_HINT });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ format: 'duration' });

const server = z
  .object({
    host: z
      .string()
      .default('127.0.0.1')
      .describe('Address to listen on. The demo always listens on loopback only.'),
    port: z.number().int().min(0).max(65535).default(8080).describe('TCP port (env PORT wins).'),
    publicUrl: httpUrl
      .optional()
      .describe(
        'Origin people use to reach the portal, e.g. https://access.example.com. Default: http://localhost:<port>.',
      ),
    trustProxy: z
      .boolean()
      .default(false)
      .describe('Trust X-Forwarded-* from a load balancer in front of jitgate.'),
  })
  .strict();

const storage = z
  .object({
    driver: z.enum(['sqlite']).default('sqlite').describe('Store backend.'),
    sqlitePath: z
      .string()
      .optional()
      .describe('SQLite database file. Default: <state.dir>/jitgate.db.'),
  })
  .strict();

const session = z
  .object({
    cookieName: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'must contain only letters, digits and _')
      .default('jitgate_session')
      .describe('Name of the portal session cookie. App hosts use "<cookieName>_app".'),
    maxAge: duration.prefault('12h').describe('Absolute lifetime of a login.'),
    idleTimeout: duration.prefault('1h').describe('A session unused for this long ends.'),
    secureCookie: z
      .enum(['auto', 'always', 'never'])
      .default('auto')
      .describe('Secure flag on cookies; "auto" sets it when publicUrl is https.'),
    sameSite: z
      .enum(['lax', 'strict'])
      .default('lax')
      .describe('SameSite on the portal cookie. "strict" breaks the return from an external IdP.'),
  })
  .strict();

const identityProvider = z
  .object({
    id: slug.describe('Stable id, part of every user id from this IdP.'),
    name: z.string().min(1).optional().describe('Label on the login page.'),
    kind: z
      .enum(['person', 'vendor'])
      .default('person')
      .describe('Identity kind policies see for people from this IdP.'),
    issuer: httpUrl.describe(
      'OIDC issuer URL (discovery at /.well-known/openid-configuration). Must be https unless allowInsecureRequests.',
    ),
    clientId: z.string().min(1).describe('OAuth client id registered at the IdP.'),
    clientSecret: z
      .string()
      .min(1)
      .optional()
      .describe('Client secret. Prefer clientSecretEnv or clientSecretFile.'),
    clientSecretEnv: z
      .string()
      // A secret pasted here by mistake must not end up in an error message: the check says
      // what a variable name looks like and never echoes the value.
      .regex(ENV_NAME, 'must be the name of an environment variable (letters, digits, _)')
      .optional()
      .describe('Environment variable holding the secret; read at startup.'),
    clientSecretFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File holding the secret (surrounding whitespace is trimmed). A relative path is relative to the config file.',
      ),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token'))
      .default(['openid', 'email', 'profile'])
      .describe('Scopes to request; must include openid.'),
    usernameClaim: z
      .string()
      .default('preferred_username')
      .describe('Claim used as the short user name (falls back to email, then sub).'),
    groupsClaim: z.string().default('groups').describe('Claim holding the IdP groups.'),
    groupMap: z
      .record(z.string(), z.array(slug))
      .default({})
      .describe(
        'IdP group → jitgate groups. Unmapped groups are dropped unless passUnmappedGroups.',
      ),
    passUnmappedGroups: z
      .boolean()
      .default(false)
      .describe('Keep IdP groups that groupMap does not name, under their own name.'),
    allowInsecureRequests: z
      .boolean()
      .default(false)
      .describe('Allow an http:// issuer. Development and tests only.'),
    trustMfaFromIdp: z
      .boolean()
      .default(false)
      .describe(
        "Count a login as an MFA step-up when the ID token's amr or acr shows MFA (see mfaAmrValues, mfaAcrValues).",
      ),
    mfaAmrValues: z
      .array(z.string().min(1))
      .default(['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina'])
      .describe('amr values (RFC 8176) that show MFA; any one of them is enough.'),
    mfaAcrValues: z
      .array(z.string().min(1))
      .default(['http://schemas.openid.net/pape/policies/2007/06/multi-factor'])
      .describe('acr values that show MFA.'),
  })
  .strict()
  // Zod skips refinements once a key of the object failed; `when` makes these run anyway so that
  // an http issuer is reported together with, say, a missing clientId.
  .superRefine(checkIdentityProvider, { when: (payload) => isRecord(payload.value) });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks across an IdP's own keys. Values may be of the wrong type here, hence the guards. */
function checkIdentityProvider(
  idp: { readonly [key: string]: unknown },
  ctx: { addIssue(issue: { code: 'custom'; path: string[]; message: string }): void },
): void {
  const secrets = [idp.clientSecret, idp.clientSecretEnv, idp.clientSecretFile].filter(
    (value) => value !== undefined,
  );
  if (secrets.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['clientSecret'],
      message: 'set only one of clientSecret, clientSecretEnv, clientSecretFile',
    });
  }
  if (Array.isArray(idp.scopes) && !idp.scopes.includes('openid')) {
    ctx.addIssue({ code: 'custom', path: ['scopes'], message: 'must include "openid"' });
  }
  if (
    typeof idp.issuer === 'string' &&
    /^http:/i.test(idp.issuer) && // URL schemes are case-insensitive
    idp.allowInsecureRequests !== true
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['issuer'],
      message: 'is http:// — use https, or set allowInsecureRequests for development',
    });
  }
}

const headerTemplates = z
  .record(z.string().regex(HEADER_NAME, 'must be a valid header name'), z.string())
  .default({})
  .describe(
    'Extra upstream headers. Values may use {sub} {email} {username} {groups} {grant} {resource}.',
  );

const webResource = z
  .object({
    id: slug.describe('Stable id used in grants, URLs and the CLI.'),
    kind: z.literal('web').describe('A web application reached through the proxy.'),
    name: z.string().min(1).optional().describe('Display name.'),
    description: z.string().optional().describe('Shown to people requesting access.'),
    host: z
      .string()
      .transform((h) => h.toLowerCase())
      .pipe(z.string().regex(HOSTNAME, 'must be a hostname without port'))
      .describe('Host people open, e.g. payroll.example.com; routed by the Host header.'),
    upstream: httpUrl.describe('Where the app really listens: an http(s) URL without credentials.'),
    headers: headerTemplates,
    preserveHost: z
      .boolean()
      .default(false)
      .describe('Forward the original Host header instead of the upstream one.'),
    trail: trailSchema
      .prefault({})
      .describe('The per-request trail auditors read: retention, redaction, request bodies.'),
  })
  .strict();

/** The identity kinds a policy can name (the IdP sets a person's kind; machines are clients). */
const KIND = z.enum(['person', 'vendor', 'machine']);
const WEEKDAY = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
/** Policies may not reach for a longer auto-approval than this, whatever their maxDuration. */
export const AUTO_APPROVE_CAP_MS = 4 * 3_600_000;
/** The default of policies[].maxDuration; cross-check.ts compares against it too. */
export const POLICY_DEFAULT_MAX_DURATION = '1h';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// Patterns run against text people type; the length cap keeps them reviewable and cheap.
const pattern = z.string().min(1).max(200).refine(compiles, 'must be a valid regular expression');

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as "08:00" (24-hour clock)');

const accessWindow = z
  .object({
    days: z.array(WEEKDAY).min(1).describe('Days the window opens on (mon … sun).'),
    from: timeOfDay.describe('Local time the window opens, e.g. "08:00".'),
    to: timeOfDay.describe(
      'Local time it closes. At or before "from" means the next day: 22:00–06:00 runs overnight.',
    ),
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Berlin"')
      .describe('IANA time zone of from and to, e.g. Europe/Berlin.'),
  })
  .strict();

const subjects = z
  .object({
    groups: z.array(slug).default([]).describe('Member of any of these groups; empty = any.'),
    kinds: z.array(KIND).min(1).default(['person']).describe('Identity kinds that may request.'),
    users: z
      .array(z.string().min(1))
      .default([])
      .describe('Only these users (username, email or user id); empty = anyone.'),
    claims: z
      .record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))
      .default({})
      .describe('IdP claims that must equal the value (or one of the listed values).'),
  })
  .strict();

const approval = z
  .object({
    groups: z.array(slug).min(1).describe('Groups whose members may approve.'),
    count: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(1)
      .describe('Distinct approvers needed; the requester never counts.'),
  })
  .strict();

const autoApprove = z
  .object({
    maxDuration: duration
      .refine((ms) => ms <= AUTO_APPROVE_CAP_MS, 'must be at most 4h')
      .describe('Longest request approved without an approver (at most 4h and maxDuration).'),
    kinds: z
      .array(
        KIND.exclude(['vendor'], {
          error: 'must be "person" or "machine": vendors always need approval',
        }),
      )
      .default([])
      .describe(
        'Only for these identity kinds; empty = any but vendors, who always need approval.',
      ),
    groups: z.array(slug).default([]).describe('Only for members of these groups; empty = any.'),
    reasonPattern: pattern
      .optional()
      .describe('The reason must match this regular expression (at most 200 characters).'),
    ticketPattern: pattern
      .optional()
      .describe('The ticket must match this regular expression (at most 200 characters).'),
  })
  .strict();

const policy = z
  .object({
    id: slug.describe('Stable id, shown in decisions.'),
    description: z.string().optional().describe('What the policy is for, shown to admins.'),
    resources: z.array(slug).min(1).describe('Resource ids this policy covers.'),
    subjects: subjects.prefault({}).describe('Who may request; every condition given must hold.'),
    maxDuration: duration
      .prefault(POLICY_DEFAULT_MAX_DURATION)
      .describe('Longest grant this policy allows.'),
    requireReason: z.boolean().default(true).describe('Whether a request needs a reason.'),
    ticketPattern: pattern
      .optional()
      .describe(
        'When set, a request needs a ticket matching this regular expression (at most 200 characters).',
      ),
    approval: approval
      .optional()
      .describe('Who approves and how many. A policy needs approval, autoApprove or both.'),
    autoApprove: autoApprove
      .optional()
      .describe('A narrow rule that approves without an approver. Never applies to vendors.'),
    mfa: z
      .object({
        request: z.boolean().default(false).describe('Step-up MFA to request.'),
        approve: z.boolean().default(true).describe('Step-up MFA to approve or deny.'),
        terminal: z.boolean().default(false).describe('Step-up MFA to open a terminal.'),
      })
      .strict()
      .prefault({})
      .describe('Step-up MFA per action.'),
    windows: z
      .array(accessWindow)
      .default([])
      .describe('Access windows a grant must start in and cannot outlast; none = any time.'),
    recording: z
      .enum(['required', 'optional'])
      .default('optional')
      .describe('Whether sessions must be recorded. Always required for vendors.'),
    pendingTimeout: duration
      .prefault('1h')
      .describe('A request nobody answers expires after this long.'),
  })
  .strict();

const admins = z
  .object({
    groups: z.array(slug).default([]).describe('Groups with admin rights in the portal and API.'),
  })
  .strict();

const auditors = z
  .object({
    groups: z
      .array(slug)
      .default([])
      .describe('Groups allowed to read the audit log, sessions and recordings.'),
  })
  .strict();

const gateway = z
  .object({
    assertionHeader: z
      .string()
      .regex(HEADER_NAME, 'must be a valid header name')
      .default('X-Jitgate-Assertion')
      .describe('Header carrying the signed identity assertion JWT to apps.'),
    assertionTtl: duration
      // The design caps the assertion's exp at 5 minutes; a longer one would outlive revocation.
      .refine((ms) => ms <= 300_000, 'must be at most 5m')
      .prefault('5m')
      .describe('Lifetime of an identity assertion (at most 5m).'),
    stripHeaders: z
      .array(z.string().regex(HEADER_NAME, 'must be a valid header name'))
      .default([])
      .describe('More incoming header names to strip (any case, _ or -) before forwarding.'),
  })
  .strict();

const WEBHOOK_EVENTS = [
  'request.created',
  'request.decided',
  'grant.started',
  'grant.ended',
] as const;

const webhook = z
  .object({
    id: slug.describe('Stable id of this receiver (appears in logs).'),
    url: httpUrl.describe('Where to POST the JSON messages.'),
    secret: z
      .string()
      .min(16)
      .optional()
      .describe('HMAC key for X-Jitgate-Signature. Prefer secretEnv or secretFile.'),
    secretEnv: z
      .string()
      .regex(ENV_NAME, 'must be an environment variable name')
      .optional()
      .describe('Environment variable holding the HMAC key.'),
    secretFile: z.string().min(1).optional().describe('File holding the HMAC key.'),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .default([...WEBHOOK_EVENTS])
      .describe('Events to send: request.created, request.decided, grant.started, grant.ended.'),
  })
  .strict()
  .superRefine((hook, ctx) => {
    const sources = [hook.secret, hook.secretEnv, hook.secretFile].filter((v) => v !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message: 'set exactly one of secret, secretEnv, secretFile',
      });
    }
  });

const notifications = z
  .object({
    webhooks: z
      .array(webhook)
      .prefault([])
      .describe(
        'Receivers of signed JSON messages (with a Slack-compatible text field), retried with backoff.',
      ),
  })
  .strict();

const mfa = z
  .object({
    encryptionKeyFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File with the 32-byte key (raw, base64 or hex) that encrypts factor secrets at rest. Default: <state.dir>/mfa.key, created with mode 0600.',
      ),
    stepUpFreshness: duration
      .prefault('10m')
      .describe('How long a passed step-up counts for actions that need one.'),
    atLogin: z
      .boolean()
      .default(false)
      .describe('Ask for a second factor at every login; people without one enroll first.'),
    maxFailures: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .describe('Failed attempts in a row that lock step-up.'),
    lockout: duration.prefault('15m').describe('How long step-up stays locked after maxFailures.'),
    issuerLabel: z
      .string()
      .regex(/^[^:]{1,64}$/, 'must be 1 to 64 characters without ":"')
      .default('jitgate')
      .describe('Issuer name authenticator apps show beside the account.'),
  })
  .strict();

const logging = z
  .object({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('Log level.'),
  })
  .strict();

export const configSchema = z
  .object({
    server: server.prefault({}).describe('Where jitgate listens and how people reach it.'),
    state: z
      .object({
        dir: z.string().default('./.jitgate').describe('Folder for keys, database, recordings.'),
      })
      .strict()
      .prefault({})
      .describe('Local state.'),
    storage: storage.prefault({}).describe('Where requests, grants and sessions are stored.'),
    session: session.prefault({}).describe('Login sessions and their cookies.'),
    identityProviders: z
      .array(identityProvider)
      .min(1, 'must name at least one IdP')
      .describe('OIDC identity providers people sign in with.'),
    // prefault, not default: `.default()` on a schema with transforms is left out of the
    // generated docs (JSON Schema input mode), and [] parses to [] either way.
    resources: z
      .array(z.discriminatedUnion('kind', [webResource]))
      .prefault([])
      .describe('What people can request access to.'),
    policies: z
      .array(policy)
      .prefault([])
      .describe('Who may request which resources, and for how long.'),
    admins: admins.prefault({}).describe('Who administers jitgate.'),
    auditors: auditors.prefault({}).describe('Who reads the audit log and sessions.'),
    gateway: gateway.prefault({}).describe('How requests are forwarded to apps.'),
    mfa: mfa.prefault({}).describe('Second factors (TOTP), step-up and lockout.'),
    notifications: notifications.prefault({}).describe('Outgoing webhooks on requests and grants.'),
    logging: logging.prefault({}).describe('Log output.'),
  })
  .strict();

type Parsed = z.output<typeof configSchema>;

export type Config = Parsed;
export type ConfigInput = z.input<typeof configSchema>;
export type IdentityProviderConfig = Parsed['identityProviders'][number];
export type ResourceConfig = Parsed['resources'][number];
export type WebResourceConfig = Extract<ResourceConfig, { kind: 'web' }>;
export type WebhookConfig = Parsed['notifications']['webhooks'][number];
export type PolicyConfig = Parsed['policies'][number];
export type AccessWindowConfig = PolicyConfig['windows'][number];
export type MfaConfig = Parsed['mfa'];
