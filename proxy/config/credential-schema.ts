/**
 * The config of machine identities and of the resources whose access is a minted credential:
 * `kind: postgres` (a temporary PostgreSQL role per grant) and `kind: kubernetes` (a bearer token
 * per grant for kubectl). Kept apart from schema.ts, which only adds them to its lists.
 */
import { z } from 'zod';

const SLUG = /^[a-z][a-z0-9-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A PostgreSQL role name to grant: quoted as an identifier when used, but kept plain to review. */
const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

const slug = z
  .string()
  .regex(SLUG, 'must be a lowercase slug (a-z, 0-9, -), starting with a letter');

const common = {
  id: slug.describe('Stable id used in grants, URLs and the CLI.'),
  name: z.string().min(1).optional().describe('Display name.'),
  description: z.string().optional().describe('Shown to people requesting access.'),
};

export const postgresResource = z
  .object({
    ...common,
    kind: z
      .literal('postgres')
      .describe('A PostgreSQL database: each grant gets its own temporary login role.'),
    adminUrlEnv: z
      .string()
      .regex(ENV_NAME, 'must be the name of an environment variable (letters, digits, _)')
      .optional()
      .describe(
        'Environment variable holding the admin connection URL (a role with CREATEROLE). Read when a role is made; never logged.',
      ),
    adminUrlFile: z
      .string()
      .min(1)
      .optional()
      .describe('File holding the admin connection URL (instead of adminUrlEnv).'),
    database: z
      .string()
      .min(1)
      .max(63)
      .describe('Database the temporary role connects to (and gets CONNECT on).'),
    connectHost: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Host put in the connection string handed to the grantee. Default: the admin URL host.',
      ),
    connectPort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('Port in the handed-out connection string. Default: the admin URL port.'),
    grantRoles: z
      .array(z.string().regex(ROLE_NAME, 'must be a plain PostgreSQL role name'))
      .default([])
      .describe('Existing roles the temporary role becomes a member of (GRANT role TO temp).'),
    statements: z
      .array(z.string().min(1).max(2000))
      .default([])
      .describe(
        'SQL run as admin after the role is made; {{role}} is replaced by the quoted role name, e.g. "GRANT SELECT ON orders TO {{role}}".',
      ),
    objectOwner: z
      .string()
      .regex(ROLE_NAME, 'must be a plain PostgreSQL role name')
      .optional()
      .describe(
        'Role that receives what a temporary role created (REASSIGN OWNED) when its grant ends, e.g. the tables of a migration; it must be one of grantRoles, NOLOGIN and unprivileged; SECURITY DEFINER functions of the temporary role are dropped, never handed over. Without it, everything a temporary role created is dropped with it (docs/credentials.md).',
      ),
    connectionLimit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .describe('CONNECTION LIMIT of the temporary role.'),
    allowPublicPrivileges: z
      .boolean()
      .default(false)
      .describe(
        'Mint roles even while PUBLIC may connect to other databases of the cluster, create temporary tables here, or create in schema public: every role gets what PUBLIC has, so by default jitgate refuses (503 database_not_isolated) until those are revoked (docs/credentials.md). Set true only where pg_hba.conf already confines the roles.',
      ),
  })
  .strict()
  .superRefine((resource, ctx) => {
    const sources = [resource.adminUrlEnv, resource.adminUrlFile].filter((v) => v !== undefined);
    if (sources.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['adminUrlEnv'],
        message: 'set exactly one of adminUrlEnv, adminUrlFile',
      });
    // Membership means every grant already had the owner's rights: what it made gains nothing
    // by being handed over, and the owner is a role the operator chose to give grants.
    if (resource.objectOwner !== undefined && !resource.grantRoles.includes(resource.objectOwner))
      ctx.addIssue({
        code: 'custom',
        path: ['objectOwner'],
        message: 'must be one of grantRoles: objects go only to a role every grant already has',
      });
    if (resource.grantRoles.length === 0 && resource.statements.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['grantRoles'],
        message: 'name grantRoles or statements: a role that may do nothing is no access',
      });
  });

export const kubernetesResource = z
  .object({
    ...common,
    kind: z
      .literal('kubernetes')
      .describe(
        'A Kubernetes cluster: `jitgate kubectl-credential` hands a grant-scoped bearer token.',
      ),
    server: z
      .string()
      .url()
      .optional()
      .describe('API server URL, shown in docs and `jitgate resources`.'),
    audience: z
      .string()
      .min(1)
      .default('kubernetes')
      .describe('`aud` of the issued token; the API server must expect it.'),
    reviewerToken: z
      .string()
      .min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)')
      .optional()
      .describe(
        "Bearer the cluster's API server sends to the TokenReview webhook (its kubeconfig's user token). Prefer reviewerTokenEnv or reviewerTokenFile. Without one, the webhook refuses every review for this cluster (401).",
      ),
    reviewerTokenEnv: z
      .string()
      .regex(ENV_NAME, 'must be the name of an environment variable (letters, digits, _)')
      .optional()
      .describe('Environment variable holding reviewerToken; read at startup.'),
    reviewerTokenFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File holding reviewerToken (whitespace trimmed). A relative path is relative to the config file.',
      ),
  })
  .strict()
  .superRefine((resource, ctx) => {
    const sources = [
      resource.reviewerToken,
      resource.reviewerTokenEnv,
      resource.reviewerTokenFile,
    ].filter((v) => v !== undefined);
    if (sources.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['reviewerToken'],
        message: 'set only one of reviewerToken, reviewerTokenEnv, reviewerTokenFile',
      });
  });

const machineIssuer = z
  .object({
    idp: slug.describe('Id of the identityProviders entry whose access tokens machines present.'),
    audience: z
      .string()
      .min(1)
      .default('jitgate')
      .describe('Required `aud` of the access token (the resource indicator at the IdP).'),
    clientIdClaim: z
      .string()
      .min(1)
      .default('client_id')
      .describe('Claim naming the client; the machine is "<idp>:<client>" in policy.'),
    groups: z
      .array(slug)
      .default([])
      .describe('jitgate groups every machine from this IdP is a member of.'),
    clientGroups: z
      .record(z.string(), z.array(slug))
      .default({})
      .describe('More groups per client id.'),
    clients: z
      .array(z.string().min(1))
      .default([])
      .describe('Only these client ids are machines of jitgate; empty = any client.'),
  })
  .strict();

export const machinesSchema = z
  .object({
    issuers: z
      .array(machineIssuer)
      .default([])
      .describe(
        'IdPs whose client-credentials access tokens (JWT) machines call the API with. Validated: signature (IdP JWKS), issuer, audience, expiry.',
      ),
  })
  .strict();
