/**
 * The demo's private PostgreSQL (postgres-cluster.ts) with a note in the state folder saying
 * where it lives: a run that crashed before it could stop its cluster leaves the note, and the
 * next start stops that cluster (if it still runs) and removes it before starting its own.
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPgAdmin } from '../credentials/pg-client.js';
import { startPostgresCluster, stopLeftoverCluster } from './postgres-cluster.js';

const NOTE = 'demo-postgres.json';

export interface DemoPostgres {
  /** Superuser URL of `database`. */
  url: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

function leftoverFolder(stateDir: string): string | undefined {
  try {
    const note = JSON.parse(readFileSync(join(stateDir, NOTE), 'utf8')) as { dir?: unknown };
    return typeof note.dir === 'string' ? note.dir : undefined;
  } catch {
    return undefined; // no note (a clean stop removes it), or one cut short by the crash
  }
}

/** Starts the cluster with an empty `database`, after cleaning up what a crash left. */
export async function startDemoPostgres(stateDir: string, database: string): Promise<DemoPostgres> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const note = join(stateDir, NOTE);
  const left = leftoverFolder(stateDir);
  if (left !== undefined) await stopLeftoverCluster(left);
  rmSync(note, { force: true });
  const cluster = await startPostgresCluster((dir) =>
    writeFileSync(note, JSON.stringify({ dir }) + '\n', { mode: 0o600 }),
  );
  const stop = async () => {
    await cluster.stop();
    rmSync(note, { force: true });
  };
  try {
    const admin = openPgAdmin(cluster.url);
    try {
      // Identifiers cannot be parameters; `database` is the demo's own constant.
      await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    } finally {
      await admin.close();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const url = new URL(cluster.url);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { url: url.href, host: cluster.host, port: cluster.port, stop };
}
