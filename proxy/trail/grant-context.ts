/**
 * What an auditor sees around one grant's trail: the grant, the request behind it (reason,
 * ticket, approvals) and who holds it. Shared by the portal page and the API.
 */
import type { AccessRequest } from '../access/request-record.js';
import { notFound } from '../shared/errors.js';
import type { GrantRecord, Store, UserRecord } from '../store/types.js';

export interface GrantContext {
  grant: GrantRecord;
  /** Null for grants made without a request (admin `jitgate grant`). */
  request: AccessRequest | null;
  holder: UserRecord | undefined;
}

export type GrantContextStore = {
  grants: Pick<Store['grants'], 'get'>;
  requests: Pick<Store['requests'], 'findByGrant'>;
  users: Pick<Store['users'], 'get'>;
};

export async function grantContext(store: GrantContextStore, id: string): Promise<GrantContext> {
  const grant = await store.grants.get(id);
  if (!grant) throw notFound('unknown_grant', 'no such grant');
  const [request, holder] = await Promise.all([
    store.requests.findByGrant(id),
    store.users.get(grant.userId),
  ]);
  return { grant, request: request ?? null, holder };
}
