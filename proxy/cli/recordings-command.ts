/**
 * `jitgate recordings list|verify|export`: offline, on the state folder (or a config's), like
 * `jitgate audit`. verify checks a recording's checksum and signature against the proxy's own
 * key, or an exported copy against a public key file given with --public-key; either way for the
 * recording asked about, and against the checksum its session's row holds when a store is read.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { isRecordingId, parseSignature, verifyRecording } from '../../recorder/asciicast/index.js';
import { AuditLog } from '../audit/audit-log.js';
import { JitgateError } from '../shared/errors.js';
import { recordingVerifyKey } from '../terminal/recording-key.js';
import { expectedRecording } from '../terminal/recording-verification.js';
import { sessionFilterFromQuery, sessionJson } from '../terminal/session-query.js';
import { CliError, EXIT } from './exit-codes.js';
import { jsonText, visible } from './output.js';
import { RECORDINGS_USAGE } from './usage.js';
import { recordingsFolders } from '../server/state-folders.js';
import {
  offlineStore,
  STORE_OPTIONS,
  withOfflineStore,
  type OfflineStore,
} from './offline-store.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  json: { type: 'boolean' },
  person: { type: 'string' },
  resource: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'public-key': { type: 'string' },
  out: { type: 'string' },
} as const;

/** The store and the state folder the options name. */
function locationOf(values: Record<string, string | boolean | undefined>) {
  const text = (key: string) => (typeof values[key] === 'string' ? values[key] : undefined);
  return offlineStore({
    'state-dir': text('state-dir'),
    config: text('config'),
    postgres: values.postgres === true,
  });
}

/**
 * The file of recording `id` on the state folder: in the recordings folder of whichever process
 * ran the session (a single process, or one of the workers: state-folders.ts).
 */
function castOf(location: OfflineStore, id: string): string {
  const folders = recordingsFolders(location.stateDir);
  const path = folders.map((folder) => join(folder, `${id}.cast`)).find((file) => existsSync(file));
  if (!path) throw new CliError(`no recording ${id} in ${folders.join(' or ')}`);
  return path;
}

async function list(values: Record<string, string | boolean | undefined>) {
  const location = locationOf(values);
  const text = (k: string) => (typeof values[k] === 'string' ? values[k] : undefined);
  const rows = await withOfflineStore(location, async (store) => {
    const filter = await sessionFilterFromQuery(
      {
        person: text('person'),
        resource: text('resource'),
        from: text('since'),
        to: text('until'),
        limit: '500',
      },
      store.users,
      500,
    );
    return store.terminalSessions.list(filter);
  });
  for (const row of rows) {
    const s = sessionJson(row, false);
    // Ids come from identity providers: no control character in them reaches the terminal.
    console.log(
      values.json
        ? jsonText(s)
        : [s.id, s.startedAt, s.user, s.resource, s.login, s.state, s.recording, s.sha256 ?? '-']
            .map(visible)
            .join('  '),
    );
  }
  if (!values.json) console.error(`${rows.length} sessions`);
}

async function verify(target: string, values: Record<string, string | boolean | undefined>) {
  const isFile = target.endsWith('.cast');
  let path = target;
  if (!isFile) {
    if (!isRecordingId(target))
      throw new CliError(`"${target}" is neither a recording id nor a .cast file`);
    path = castOf(locationOf(values), target);
  }
  if (!existsSync(path)) throw new CliError(`no recording at ${path}`);
  const sidecar = parseSignature(
    existsSync(`${path}.sig.json`) ? readFileSync(`${path}.sig.json`, 'utf8') : '',
  );
  if (!sidecar) throw new CliError(`no valid signature file at ${path}.sig.json`);
  // The recording asked about is the one the file is named after (`<id>.cast`, as jitgate and
  // export name it). A copy someone renamed can only be checked as what its sidecar says it is,
  // and the answer names that recording.
  const named = basename(path, '.cast');
  const id = isRecordingId(named) ? named : sidecar.recording;
  const keyFile = values['public-key'];
  const givenKey = typeof keyFile === 'string' ? createPublicKey(readFileSync(keyFile)) : undefined;
  // A copy checked with --public-key needs no store (its holder may have no account). Anything
  // else is checked against the store's key and the checksum stored at the session's end.
  const { key, row } =
    givenKey && isFile
      ? { key: givenKey, row: undefined }
      : await withOfflineStore(locationOf(values), async (store) => ({
          key: givenKey ?? (await recordingVerifyKey(store.settings)),
          row: await store.terminalSessions.get(id),
        }));
  if (!key) throw new CliError('no recording key in this state folder; give --public-key');
  const result = verifyRecording(readFileSync(path), sidecar, [key], expectedRecording(id, row));
  const name = basename(path) + (id === named ? '' : ` (recording ${id})`);
  if (values.json) console.log(JSON.stringify(result));
  else if (result.ok)
    console.log(
      `ok: ${name} sha256 ${result.sha256}${result.recovered ? ' (recovered after a crash)' : ''}`,
    );
  else console.log(`FAILED: ${name}: ${result.reason} (${result.detail})`);
  if (!result.ok) process.exitCode = EXIT.chainBroken;
}

async function exportOne(id: string, values: Record<string, string | boolean | undefined>) {
  if (!isRecordingId(id)) throw new CliError(`"${id}" is not a recording id`);
  const out = values.out;
  if (typeof out !== 'string') throw new CliError('give --out DIR');
  const location = locationOf(values);
  const path = castOf(location, id);
  if (!existsSync(`${path}.sig.json`))
    throw new CliError(`no sealed recording ${id} in ${dirname(path)}`);
  // Audited like a download from the portal or the API, before the copy is made.
  const key = await withOfflineStore(location, async (store) => {
    const row = await store.terminalSessions.get(id);
    await new AuditLog(store.audit, store, Date.now).record({
      code: 'recording.exported',
      actor: 'admin-cli',
      target: row?.resourceId ?? null,
      data: {
        session: id,
        ...(row ? { user: row.userId, sha256: row.checksum } : {}),
        via: 'cli',
        osUser: userInfo().username,
      },
    });
    return recordingVerifyKey(store.settings);
  });
  mkdirSync(out, { recursive: true });
  copyFileSync(path, join(out, `${id}.cast`));
  copyFileSync(`${path}.sig.json`, join(out, `${id}.cast.sig.json`));
  if (key)
    writeFileSync(
      join(out, 'jitgate-recordings.pub.pem'),
      key.export({ type: 'spki', format: 'pem' }),
    );
  console.error(
    `exported ${id} to ${out} (verify: jitgate recordings verify ${join(out, `${id}.cast`)} --public-key ${join(out, 'jitgate-recordings.pub.pem')})`,
  );
}

export async function recordingsCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: OPTIONS,
    allowPositionals: true,
  });
  try {
    if (sub === 'list' && positionals.length === 0) return await list(values);
    if (sub === 'verify' && positionals.length === 1)
      return await verify(positionals[0] ?? '', values);
    if (sub === 'export' && positionals.length === 1)
      return await exportOne(positionals[0] ?? '', values);
  } catch (error) {
    if (error instanceof JitgateError) throw new CliError(error.message);
    throw error;
  }
  throw new CliError(`usage:\n${RECORDINGS_USAGE}`);
}
