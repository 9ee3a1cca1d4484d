/**
 * The policy a grant was given under: its request's, or the one its glass was broken under. A
 * grant an admin made directly has none. Who may revoke a grant and which step-ups its terminals
 * ask for follow from this, so every caller asks here.
 */
import type { PolicyConfig } from '../config/schema.js';
import type { GrantRecord, Store } from '../store/types.js';
import { policyById } from './policy.js';

export type GrantPolicyStore = {
  requests: Pick<Store['requests'], 'findByGrant'>;
  breakGlass: Pick<Store['breakGlass'], 'get'>;
};

export async function grantPolicy(
  store: GrantPolicyStore,
  policies: readonly PolicyConfig[],
  grant: Pick<GrantRecord, 'id' | 'breakGlass'>,
): Promise<PolicyConfig | undefined> {
  const policyId = grant.breakGlass
    ? (await store.breakGlass.get(grant.id))?.policyId
    : (await store.requests.findByGrant(grant.id))?.policyId;
  return policyById(policies, policyId);
}
