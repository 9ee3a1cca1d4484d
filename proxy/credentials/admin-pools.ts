/**
 * Admin connections per postgres resource. The admin URL comes from the variable or file the
 * resource names, read when the pool is first needed; it is never logged, audited or returned,
 * and errors about it never quote it.
 */
import { readFileSync } from 'node:fs';
import type { PostgresResourceConfig } from '../config/schema.js';
import { JitgateError } from '../shared/errors.js';
import { openPgAdmin, type PgAdmin } from './pg-client.js';

export interface AdminPools {
  admin(resource: PostgresResourceConfig): PgAdmin;
  /** Where grantees connect: the resource's connectHost/Port, else the admin URL's. */
  endpoint(resource: PostgresResourceConfig): { host: string; port: number };
  close(): Promise<void>;
}

/** Shown to the client: it names the setting (never its value) and who can fix it. */
const unavailable = (resource: PostgresResourceConfig, why: string) =>
  new JitgateError(
    503,
    'credential_unavailable',
    `${resource.id}: ${why} on the jitgate server; ask its operator to set it (docs/credentials.md)`,
    { expose: true },
  );

export function readAdminUrl(
  resource: PostgresResourceConfig,
  env: NodeJS.ProcessEnv = process.env,
): string {
  let url: string | undefined;
  if (resource.adminUrlEnv !== undefined) {
    url = env[resource.adminUrlEnv]?.trim();
    if (!url) throw unavailable(resource, `admin URL variable ${resource.adminUrlEnv} is not set`);
  } else {
    try {
      url = readFileSync(resource.adminUrlFile ?? '', 'utf8').trim();
    } catch {
      throw unavailable(resource, 'admin URL file cannot be read');
    }
  }
  if (!/^postgres(ql)?:\/\//.test(url) || URL.parse(url) === null)
    throw unavailable(resource, 'the admin URL is not a postgresql:// URL');
  return url;
}

export function createAdminPools(env: NodeJS.ProcessEnv = process.env): AdminPools {
  const pools = new Map<string, PgAdmin>();
  return {
    admin(resource) {
      let pool = pools.get(resource.id);
      if (!pool) {
        pool = openPgAdmin(readAdminUrl(resource, env), resource.database);
        pools.set(resource.id, pool);
      }
      return pool;
    },
    endpoint(resource) {
      const url = new URL(readAdminUrl(resource, env));
      return {
        host: resource.connectHost ?? (url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'),
        port: resource.connectPort ?? (Number(url.port) || 5432),
      };
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((pool) => pool.close()));
    },
  };
}
