// The SQLite trail repository against the shared trail contract, in memory and on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { trailContract } from '../../support/trail-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-trail-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
trailContract('sqlite in memory', async () => openSqliteStore(':memory:'));
trailContract('sqlite file', async () => openSqliteStore(join(dir, `state-${++n}.db`)));
