/**
 * What proxied app traffic goes through: the web session trail it is recorded in, the session
 * credentials the browser extension presents beside the app cookie (checked against sign-ins
 * that may have ended), and the gateway that admits it.
 */
import { createTrailService } from '../trail/trail-service.js';
import type { AccessWiring } from './access-wiring.js';
import { createCredentialHolds } from './credential-holds.js';
import { wireExtension } from './extension-wiring.js';
import { wireGateway, type GatewayWiringDeps } from './gateway-wiring.js';

/** The gateway's own needs, less what is wired here (its credentials and trail). */
export type TrafficWiringDeps = Omit<
  GatewayWiringDeps,
  'grantCredentials' | 'trail' | 'revocations'
> & {
  access: Pick<AccessWiring, 'audit' | 'tokens' | 'revocations'>;
};

export async function wireTraffic(deps: TrafficWiringDeps) {
  const { config, store, secret, sessions, book, access, log, now } = deps;
  const trail = createTrailService({
    store,
    audit: access.audit,
    resources: config.resources,
    now,
    log,
  });
  const credentialHolds = createCredentialHolds({
    sessions,
    tokenLive: (id) => access.tokens.stillLive(id),
    now,
    changes: store.changes,
  });
  const extension = wireExtension({
    config,
    secret,
    book,
    store,
    tokens: access.tokens,
    audit: access.audit,
    credentialHolds,
    now,
  });
  const gateway = await wireGateway({
    ...deps,
    grantCredentials: extension.grantCredentials,
    trail,
    revocations: access.revocations,
  });
  return { trail, credentialHolds, extension, gateway };
}
