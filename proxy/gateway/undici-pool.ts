/**
 * undici's Pool without undici's index. The index loads all of undici (fetch, WebSocket, caches,
 * mocks, EventSource) at start-up, and the gate only forwards through pools: the index alone
 * held ~5 MiB more resident than this file. The path is undici's own module (its package.json
 * has no "exports"; the version is pinned by package-lock.json); the types are the index's, and
 * test/unit/gateway/undici-pool.test.ts fails if an upgrade moves or changes the file.
 */
import { createRequire } from 'node:module';
import type { Pool as UndiciPool } from 'undici';

const requireCommonJs = createRequire(import.meta.url);

export const Pool = requireCommonJs('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;
