/**
 * The one configuration schema: every key, its default and its description. The loader validates
 * against it and docs/configuration.md is generated from it (`npm run docs:config`).
 */
import { z } from 'zod';
import { duration, ENV_NAME, HEADER_NAME, HOSTNAME, httpUrl, slug } from './primitives.js';
import { oidcIdentityProvider } from './oidc-schema.js';
import { samlIdentityProvider } from './saml-schema.js';
import { trailSchema } from './trail-schema.js';
import { formLoginSchema } from './form-login-schema.js';
import { kubernetesResource, machinesSchema, postgresResource } from './credential-schema.js';
import { sshResource, terminalSchema } from './ssh-schema.js';
import { policy } from './policy-schema.js';
import { storageSchema } from './storage-schema.js';

export { duration, ENV_NAME, HEADER_NAME, SLUG } from './primitives.js';
export { AUTO_APPROVE_CAP_MS, POLICY_DEFAULT_MAX_DURATION } from './policy-schema.js';

/** More workers than this on one machine is a typo, not a deployment. */
const MAX_WORKERS = 64;

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
    hstsMaxAge: duration
      .prefault('365d')
      .describe(
        'Strict-Transport-Security max-age the portal sends on https requests (with secure cookies): browsers then never reach sign-in over plain http.',
      ),
    workers: z
      .union([z.literal('auto'), z.number().int().min(1).max(MAX_WORKERS)])
      .default(1)
      .describe(
        'Processes serving the port on this machine: "auto" runs one per core. Each worker is a replica on the shared store, so more than one needs storage.driver: postgres (see docs/deployment.md); a worker that dies is replaced.',
      ),
  })
  .strict();

const session = z
  .object({
    cookieName: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'must contain only letters, digits and _')
      .default('jitgate_session')
      .describe(
        'Name of the portal session cookie. App hosts use "<cookieName>_app"; on https every jitgate cookie name gets the __Host- prefix.',
      ),
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

/** OIDC (the default when `type` is left out) or SAML 2.0. */
const identityProvider = z.discriminatedUnion('type', [oidcIdentityProvider, samlIdentityProvider]);

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
    upstream: httpUrl.describe(
      'Where the app really listens: an http(s) URL without credentials. A path in it prefixes every request path; requests whose path has a `.` or `..` segment are refused (400 `dot_segment`), so none leaves that prefix.',
    ),
    headers: headerTemplates,
    preserveHost: z
      .boolean()
      .default(false)
      .describe('Forward the original Host header instead of the upstream one.'),
    trail: trailSchema
      .prefault({})
      .describe('The per-request trail auditors read: retention, redaction, request bodies.'),
    formLogin: formLoginSchema
      .optional()
      .describe(
        'The app has its own login form: the extension fills a per-grant username and password into it.',
      ),
  })
  .strict();

/** The identity kinds a policy can name (the IdP sets a person's kind; machines are clients). */
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
  'alert.revocation_unrecorded',
  'alert.revocation_recorded',
  'break_glass.started',
  'break_glass.reviewed',
  'break_glass.review_overdue',
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
      .describe(
        'Events to send: request.created, request.decided, grant.started, grant.ended, alert.revocation_unrecorded (a grant end the store could not record: sent at once, not through the outbox), alert.revocation_recorded, break_glass.started, break_glass.reviewed, break_glass.review_overdue.',
      ),
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

/** One per-client limit: at most `max` events in each `window`. */
const rateLimit = (max: number, window: string, what: string) =>
  z
    .object({
      max: z
        .number()
        .int()
        .min(1)
        .max(1_000_000)
        .default(max)
        .describe(`${what} allowed per client address in one window.`),
      window: duration.prefault(window).describe('Length of the window (fixed, per client).'),
    })
    .strict();

const rateLimits = z
  .object({
    signInStarts: rateLimit(120, '1m', 'Sign-in starts (/auth/login on to an IdP)')
      .prefault({})
      .describe(
        'Past it: 429 rate_limited with Retry-After. Counted in the store, across replicas.',
      ),
    signInFailures: rateLimit(60, '10m', 'Refused sign-ins (/auth/callback/<idp>, SAML ACS)')
      .prefault({})
      .describe(
        'Past it: starts and callbacks get 429 rate_limited, and failures are no longer audited one by one. Counted in the store, across replicas.',
      ),
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
    storage: storageSchema
      .prefault({})
      .describe('Where requests, grants, sessions and the audit log are stored.'),
    session: session.prefault({}).describe('Login sessions and their cookies.'),
    identityProviders: z
      .array(identityProvider)
      .min(1, 'must name at least one IdP')
      .describe('Identity providers people sign in with: OIDC, or SAML 2.0 (type: saml).'),
    // prefault, not default: `.default()` on a schema with transforms is left out of the
    // generated docs (JSON Schema input mode), and [] parses to [] either way.
    resources: z
      .array(
        z.discriminatedUnion('kind', [
          webResource,
          postgresResource,
          kubernetesResource,
          sshResource,
        ]),
      )
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
    machines: machinesSchema
      .prefault({})
      .describe('Machines: OIDC client-credentials callers of the API (CLI, CI jobs).'),
    terminal: terminalSchema
      .prefault({})
      .describe('Terminal sessions: the SSH user CA and the ssh client.'),
    rateLimits: rateLimits
      .prefault({})
      .describe(
        'What clients without a session may cost, counted per client address (with server.trustProxy: the last X-Forwarded-For address; IPv6 per /64) in each replica.',
      ),
    logging: logging.prefault({}).describe('Log output.'),
  })
  .strict();

type Parsed = z.output<typeof configSchema>;

export type Config = Parsed;
export type ConfigInput = z.input<typeof configSchema>;
export type IdentityProviderConfig = Parsed['identityProviders'][number];
export type OidcIdentityProviderConfig = Extract<IdentityProviderConfig, { type: 'oidc' }>;
export type SamlIdentityProviderConfig = Extract<IdentityProviderConfig, { type: 'saml' }>;
export type ResourceConfig = Parsed['resources'][number];
export type WebResourceConfig = Extract<ResourceConfig, { kind: 'web' }>;
export type PostgresResourceConfig = Extract<ResourceConfig, { kind: 'postgres' }>;
export type KubernetesResourceConfig = Extract<ResourceConfig, { kind: 'kubernetes' }>;
export type SshResourceConfig = Extract<ResourceConfig, { kind: 'ssh' }>;
export type MachinesConfig = Parsed['machines'];
export type WebhookConfig = Parsed['notifications']['webhooks'][number];
export type PolicyConfig = Parsed['policies'][number];
export type AccessWindowConfig = PolicyConfig['windows'][number];
export type MfaConfig = Parsed['mfa'];
export type StorageConfig = Parsed['storage'];
export type PostgresStorageConfig = NonNullable<StorageConfig['postgres']>;
