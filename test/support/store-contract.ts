/**
 * The persistence contract every Store backend must meet, as one reusable suite:
 *
 *   storeContract('sqlite', async () => openSqliteStore(':memory:'));
 *   storeContract('postgres', () => openStore(url), () => openStore(url)); // with a replica
 *
 * It covers every repository method and atomic(). The suite opens its store (and the replica,
 * a second Store on the same database that works concurrently with the first, as another
 * process would) once and closes them at the end. Tests use ids unique to the run and, where a
 * method acts on all rows, times far from the present, so the suite also runs against a
 * database that holds other data. The trail has its own contract (trail-contract.ts).
 */
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../proxy/store/types.js';
import { atomicContract } from './store-contract/atomic.js';
import { auditContract } from './store-contract/audit.js';
import { breakGlassContract } from './store-contract/break-glass.js';
import { contractContext } from './store-contract/context.js';
import { credentialRoleContract } from './store-contract/credential-roles.js';
import { deliveryContract } from './store-contract/deliveries.js';
import { exclusiveContract } from './store-contract/exclusive.js';
import { grantContract } from './store-contract/grants.js';
import { instanceContract } from './store-contract/instances.js';
import { mfaContract } from './store-contract/mfa.js';
import { oneTimeCodeContract } from './store-contract/one-time-codes.js';
import { rateLimitContract } from './store-contract/rate-limits.js';
import { recordingContract } from './store-contract/recordings.js';
import { requestContract } from './store-contract/requests.js';
import { samlContract } from './store-contract/saml.js';
import { sessionContract } from './store-contract/sessions.js';
import { settingContract } from './store-contract/settings.js';
import { standingReportContract } from './store-contract/standing-reports.js';
import { sshCertificateContract } from './store-contract/ssh-certificates.js';
import { terminalRelayContract } from './store-contract/terminal-relay.js';
import { terminalSessionContract } from './store-contract/terminal-sessions.js';
import { tokenContract } from './store-contract/tokens.js';
import { userContract } from './store-contract/users.js';

export function storeContract(
  name: string,
  open: () => Promise<Store>,
  openReplica?: () => Promise<Store>,
): void {
  void describe(`Store contract: ${name}`, () => {
    let store: Store | undefined;
    let replica: Store | undefined;
    const c = contractContext({
      hasReplica: openReplica !== undefined,
      store: () => {
        if (!store) throw new Error('the store is not open');
        return store;
      },
      replica: () => replica,
    });

    before(async () => {
      store = await open();
      replica = await openReplica?.();
    });
    after(async () => {
      await replica?.close();
      await store?.close();
    });

    void test('ping answers', async () => {
      await c.store().ping();
    });
    userContract(c);
    grantContract(c);
    sessionContract(c);
    settingContract(c);
    standingReportContract(c);
    auditContract(c);
    requestContract(c);
    tokenContract(c);
    deliveryContract(c);
    exclusiveContract(c);
    mfaContract(c);
    terminalSessionContract(c);
    terminalRelayContract(c);
    recordingContract(c);
    credentialRoleContract(c);
    instanceContract(c);
    sshCertificateContract(c);
    samlContract(c);
    oneTimeCodeContract(c);
    rateLimitContract(c);
    breakGlassContract(c);
    atomicContract(c);
  });
}
