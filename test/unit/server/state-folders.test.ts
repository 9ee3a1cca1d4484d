// The state folder's layout (state-folders.ts): a single process's own folder is the state
// folder; each worker's is workers/<n>; recordings are under each own folder, and a reader of the
// state folder is given all of them, workers in number order, whatever else lies in workers/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  processFolders,
  recordingsFolder,
  recordingsFolders,
  workerFolder,
} from '../../../proxy/server/state-folders.js';

const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-state-folders-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

void describe('state folders', () => {
  void it('a single process: the state folder alone', () => {
    assert.deepEqual(processFolders(stateDir), [stateDir]);
    assert.deepEqual(recordingsFolders(stateDir), [join(stateDir, 'recordings')]);
  });

  void it("workers: each one's folder too, in number order, nothing else", () => {
    for (const index of [10, 2, 1]) mkdirSync(workerFolder(stateDir, index), { recursive: true });
    mkdirSync(join(stateDir, 'workers', 'tmp'));
    writeFileSync(join(stateDir, 'workers', '03'), '');
    assert.equal(workerFolder(stateDir, 2), join(stateDir, 'workers', '2'));
    assert.deepEqual(recordingsFolders(stateDir), [
      join(stateDir, 'recordings'),
      join(stateDir, 'workers', '1', 'recordings'),
      join(stateDir, 'workers', '2', 'recordings'),
      join(stateDir, 'workers', '10', 'recordings'),
    ]);
    assert.equal(recordingsFolder(workerFolder(stateDir, 1)), recordingsFolders(stateDir)[1]);
  });
});
