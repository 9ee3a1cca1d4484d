// The SQLite SAML repository against the shared contract, in memory and in a file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { samlContract } from '../../support/saml-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-saml-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

samlContract('sqlite in memory', async () => openSqliteStore(':memory:'));
samlContract('sqlite file', async () => openSqliteStore(join(dir, 'state.db')));
