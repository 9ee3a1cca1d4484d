/**
 * After a crash: a recording whose `.open` marker is still there and whose session the crashed
 * process left live was never closed. Its last line may be cut short mid-write; that line is
 * dropped (everything before it is kept), a marker event says the recording was recovered, and it
 * is sealed like any other, flagged `recovered`. A marker beside any other recording (its session
 * ended, or it is not this process's to close) is not proof of a crash: sealing would sign
 * whatever the file holds now, so it is left as it is and reported to the caller.
 */
import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { eventLine } from './format.js';
import { CastParseError, parseEvent } from './reader.js';
import type { RecordingStorage } from './storage.js';
import { isRecordingId } from './storage.js';

export interface RecoveredRecording {
  id: string;
  sha256: string;
  bytes: number;
  /** Seconds of the session the file still holds. */
  duration: number;
}

/** The part of `text` made of whole, valid lines, and the time of its last event. */
function validPrefix(text: string): { length: number; lastTime: number } {
  let length = 0;
  let lastTime = 0;
  let lineStart = 0;
  let number = 0;
  while (lineStart < text.length) {
    const end = text.indexOf('\n', lineStart);
    if (end === -1) break; // an unfinished last line
    const line = text.slice(lineStart, end);
    number++;
    if (number > 1 && line.trim() !== '') {
      try {
        lastTime = parseEvent(line, number, lastTime)[0];
      } catch (error) {
        if (error instanceof CastParseError) break;
        throw error;
      }
    }
    lineStart = end + 1;
    length += Buffer.byteLength(line) + 1;
  }
  return { length, lastTime };
}

export interface RecoveryResult {
  recovered: RecoveredRecording[];
  /** Ids with a marker whose session was not live: untouched (file, sidecar and marker). */
  notLive: string[];
}

/** `live`: the sessions the crashed process left live (their ids are their recordings'). */
export async function recoverRecordings(
  storage: RecordingStorage,
  live: ReadonlySet<string>,
): Promise<RecoveryResult> {
  const names = await readdir(storage.dir);
  const recovered: RecoveredRecording[] = [];
  const notLive: string[] = [];
  for (const name of names) {
    if (!name.endsWith('.cast.open')) continue;
    const id = name.slice(0, -'.cast.open'.length);
    if (!isRecordingId(id)) continue;
    if (!live.has(id)) {
      notLive.push(id);
      continue;
    }
    const path = storage.pathOf(id);
    const content = await readFile(path).catch(() => undefined);
    if (!content || content.indexOf('\n') === -1) {
      // Not even a header reached the disk: there is nothing to keep.
      await rm(path, { force: true });
      await rm(join(storage.dir, name), { force: true });
      continue;
    }
    const { length, lastTime } = validPrefix(content.toString('utf8'));
    if (length < content.length) await truncate(path, length);
    await appendFile(
      path,
      eventLine(lastTime, 'm', 'recovered: jitgate stopped before the session ended'),
    );
    const final = await readFile(path);
    const sha256 = createHash('sha256').update(final).digest('hex');
    await storage.seal(id, sha256, final.length, true);
    recovered.push({ id, sha256, bytes: final.length, duration: lastTime });
  }
  return { recovered, notLive };
}
