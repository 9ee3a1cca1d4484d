// The PostgreSQL store against the shared Store and trail contracts, on a real private cluster
// (one per file; each suite gets its own database, owned by a role without superuser rights).
// The Store contract runs with a second Store on the same database as the other replica; the
// trail contract wants an empty store per test, so each of its stores gets a database.
import { after } from 'node:test';
import { openPostgresStore } from '../../../proxy/store/postgres/postgres-store.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import { storeContract } from '../../support/store-contract.js';
import { trailContract } from '../../support/trail-contract.js';
import { postgresSpecifics } from './postgres-specifics.js';

let cluster: Promise<TestPostgres> | undefined;
/** The file's cluster, started by the first suite that needs it. */
const postgres = () => (cluster ??= startTestPostgres());
after(async () => (await cluster)?.stop());

let url: Promise<string> | undefined;
const database = () => (url ??= postgres().then((pg) => pg.createDatabase()));

storeContract(
  'postgres',
  async () => openPostgresStore({ url: await database(), applicationName: 'jitgate-a' }),
  async () => openPostgresStore({ url: await database(), applicationName: 'jitgate-b' }),
);

trailContract('postgres', async () =>
  openPostgresStore({ url: await (await postgres()).createDatabase() }),
);

postgresSpecifics(postgres);
