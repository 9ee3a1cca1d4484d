/**
 * Where sealed terminal recordings are archived so every replica can play them back: the store,
 * when it is shared. With SQLite there is one process by construction (cross-check.ts refuses
 * workers on it), its recordings folder is the only reader's, and copying each recording into
 * the database was pure cost: better-sqlite3 writes synchronously, so sealing a 32 MiB recording
 * held the event loop (every proxied request) for ~200 ms, growing with the recording.
 */
import type { RecordingArchive } from '../../recorder/asciicast/index.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/types.js';

export function recordingArchive(
  storage: Pick<Config['storage'], 'driver'>,
  store: Pick<Store, 'recordings'>,
  now: () => number,
): RecordingArchive | undefined {
  if (storage.driver !== 'postgres') return undefined;
  return {
    put: async (id, cast, signature) =>
      void (await store.recordings.put({ id, cast, signature, storedAt: now() })),
    signature: (id) => store.recordings.signature(id),
    chunks: (id) => store.recordings.chunks(id),
  };
}
