/**
 * Where jitgate keeps its state: SQLite (one process, the default) or PostgreSQL (several
 * replicas on one database). The PostgreSQL URL carries a password, so it never goes in the file:
 * the config names an environment variable or a file, and the loader (storage-url.ts) fills in
 * `url`, which is never read from YAML.
 */
import { z } from 'zod';
import { duration, ENV_NAME } from './primitives.js';

type Issues = { addIssue(issue: { code: 'custom'; path: string[]; message: string }): void };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const postgresStorage = z
  .object({
    urlEnv: z
      .string()
      .regex(ENV_NAME, 'must be the name of an environment variable (letters, digits, _)')
      .optional()
      .describe(
        'Environment variable holding the connection URL (postgresql://user:password@host:port/database?sslmode=…). Read at startup; never logged.',
      ),
    urlFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File holding the connection URL instead, e.g. /run/secrets/jitgate-pg-url (surrounding whitespace is trimmed). A relative path is relative to the config file.',
      ),
    poolSize: z
      .number()
      .int()
      .min(2)
      .max(200)
      .default(10)
      .describe('Connections each replica keeps at most.'),
    statementTimeout: duration
      .prefault('10s')
      .describe(
        'Longest a statement may run (waiting for a lock included) and a transaction may sit idle; past it the action fails with 503 store_unavailable.',
      ),
    connectTimeout: duration
      .prefault('5s')
      .describe('Longest to wait for a new connection to PostgreSQL.'),
  })
  .strict()
  .superRefine(checkPostgres, { when: (payload) => isRecord(payload.value) })
  // Filled by the loader from urlEnv or urlFile once every other key is valid.
  .transform((postgres) => ({ ...postgres, url: '' }));

// An inline `url` is reported by the loader, which sees the raw document (storage-url.ts).
function checkPostgres(postgres: Record<string, unknown>, ctx: Issues): void {
  if ((postgres.urlEnv === undefined) === (postgres.urlFile === undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['urlEnv'],
      message: 'set exactly one of urlEnv, urlFile',
    });
}

export const storageSchema = z
  .object({
    driver: z
      .enum(['sqlite', 'postgres'])
      .default('sqlite')
      .describe(
        'Store backend: "sqlite" (a file in the state folder) or "postgres" (a database replicas can share; see docs/operations.md).',
      ),
    sqlitePath: z
      .string()
      .optional()
      .describe('SQLite database file (driver: sqlite). Default: <state.dir>/jitgate.db.'),
    postgres: postgresStorage
      .optional()
      .describe('The PostgreSQL database (driver: postgres); the schema is migrated at startup.'),
  })
  .strict()
  .superRefine(checkStorage, { when: (payload) => isRecord(payload.value) });

function checkStorage(storage: Record<string, unknown>, ctx: Issues): void {
  const postgres = storage.driver === 'postgres';
  if (postgres && storage.postgres === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['postgres'],
      message: 'is required with driver: postgres (urlEnv or urlFile)',
    });
  if (!postgres && storage.postgres !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['postgres'],
      message: 'is set but driver is not postgres: set driver: postgres, or remove this',
    });
  if (postgres && storage.sqlitePath !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['sqlitePath'],
      message: 'is for driver: sqlite; with postgres the state is in the database',
    });
}
