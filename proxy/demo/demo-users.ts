/**
 * The demo's people exist before their first login, as a directory-synced deployment's would:
 * the banner's `jitgate grant alice payroll --for 30m` then works at once. The record is the one
 * a login through the demo IdP makes (same claims, same mapping); a real login refreshes it.
 */
import type { Config } from '../config/schema.js';
import { userFromClaims } from '../identity/claims.js';
import type { UserRepository } from '../store/types.js';
import { DEMO_USERS, demoIdpFor } from './demo-config.js';
import { demoUserClaims } from './idp.js';

export async function seedDemoUsers(config: Config, users: UserRepository): Promise<void> {
  for (const user of DEMO_USERS) {
    const idp = config.identityProviders.find((i) => i.id === demoIdpFor(user.username));
    // The demo's people sign in through its OIDC IdPs (the SAML one has no users of its own).
    if (idp?.type !== 'oidc' || (await users.findByName(user.username)).length > 0) continue;
    // Never logged in: lastLoginAt 0.
    await users.upsert(userFromClaims(idp, demoUserClaims(user), 0));
  }
}
