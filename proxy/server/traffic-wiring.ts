/**
 * What proxied app traffic goes through: the web session trail it is recorded in, the session
 * credentials the browser extension presents beside the app cookie (checked against sign-ins
 * that may have ended), and the gateway that admits it.
 */
import type { GrantBook } from '../access/grant-book.js';
import type { Config } from '../config/schema.js';
import type { LiveConnections } from '../gateway/live-connections.js';
import type { SessionCache } from '../identity/session-cache.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { createTrailService } from '../trail/trail-service.js';
import type { AccessWiring } from './access-wiring.js';
import { createCredentialHolds } from './credential-holds.js';
import { wireExtension } from './extension-wiring.js';
import { wireGateway } from './gateway-wiring.js';

export interface TrafficWiringDeps {
  config: Config;
  portalOrigin: string;
  store: Store;
  secret: string;
  secure: boolean;
  sessions: SessionCache;
  book: GrantBook;
  live: LiveConnections;
  access: Pick<AccessWiring, 'audit' | 'tokens' | 'revocations'>;
  /** This process's id (instance.ts). */
  instance: string;
  log: Logger;
  now: () => number;
}

export async function wireTraffic(deps: TrafficWiringDeps) {
  const { config, portalOrigin, store, secret, secure, sessions, book, access, log, now } = deps;
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
    config,
    portalOrigin,
    grantCredentials: extension.grantCredentials,
    store,
    secret,
    secure,
    sessions,
    book,
    live: deps.live,
    trail,
    instance: deps.instance,
    revocations: access.revocations,
    log,
    now,
  });
  return { trail, credentialHolds, extension, gateway };
}
