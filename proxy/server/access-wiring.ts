/**
 * The access workflow as one unit of the composition root: the audit log, the event bus, the
 * request and grant services, and the clocks that drive them (grant expiry sweep, unanswered
 * request expiry). start.ts builds it once; nothing else constructs these services.
 */
import { AccessReports } from '../access/access-report.js';
import { Authorization } from '../access/authorization.js';
import type { AccessEvents } from '../access/events.js';
import type { GrantBook } from '../access/grant-book.js';
import { GrantEnding } from '../access/grant-ending.js';
import { PendingRevocations } from '../access/pending-revocations.js';
import { GrantService } from '../access/grant-service.js';
import { RequestQueries } from '../access/request-queries.js';
import { RequestService } from '../access/request-service.js';
import { TokenService } from '../api/token-service.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { LiveConnections } from '../gateway/live-connections.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { wireBreakGlass, type BreakGlassWiring } from './break-glass-wiring.js';
import { wireCredentials, type CredentialWiring } from './credential-wiring.js';
import { createExpiryRecords } from './expiry-records.js';
import { createStartRecords } from './start-records.js';
import { revocationAlert } from '../notify/webhook-message.js';
import { wireWebhooks } from './webhook-wiring.js';

export interface AccessWiringDeps {
  config: Config;
  /** Where the config came from (a file path, "demo"), for the config.loaded event. */
  configSource: string;
  /** The portal's origin: the issuer of the credentials jitgate signs. */
  portalOrigin: string;
  store: Store;
  book: GrantBook;
  /** The event bus (start.ts makes it first: the replica sync feeds it too). */
  events: AccessEvents;
  live: LiveConnections;
  log: Logger;
  now: () => number;
}

export interface AccessWiring {
  /** The store as everything after this reads it: grant ends still waiting to be written count. */
  store: Store;
  /** Grant ends the store could not take yet (pending-revocations.ts). */
  revocations: PendingRevocations;
  /** Who may do what: every route, page and socket asks it. */
  authorization: Authorization;
  audit: AuditLog;
  events: AccessEvents;
  grants: GrantService;
  requests: RequestService;
  grantEnding: GrantEnding;
  queries: RequestQueries;
  tokens: TokenService;
  /** Machine callers, minted credentials, their reaper (credential-wiring.ts). */
  minted: CredentialWiring;
  /** Access reviews for auditors: grants of a period and what was done under them. */
  reports: AccessReports;
  /** Emergency self-grants and their post-hoc reviews (break-glass-wiring.ts). */
  breakGlass: BreakGlassWiring;
  stop(): Promise<void>;
}

/** Grant expiry must cut connections within a second; the sweep is cheap (an index in memory). */
const GRANT_SWEEP_MS = 250;
/** Unanswered requests: a few seconds late is fine, since approval checks the deadline itself. */
const REQUEST_EXPIRY_MS = 5_000;
/** Grant ends the store refused are written again this often (they already hold in memory). */
const PENDING_REVOCATION_RETRY_MS = 2_000;
/** Grant starts and expiries whose record failed are tried again this often (access has changed). */
const CLOCK_RECORD_RETRY_MS = 2_000;

export async function wireAccess(deps: AccessWiringDeps): Promise<AccessWiring> {
  const { config, book, live, log, now } = deps;
  const audit = new AuditLog(deps.store.audit, deps.store, now);
  // Written before anything else happens, so the chain shows under which config it all ran.
  await audit.record({
    code: 'config.loaded',
    actor: 'system',
    data: {
      resources: config.resources.length,
      policies: config.policies.length,
      identityProviders: config.identityProviders.length,
      source: deps.configSource,
    },
  });
  const { events } = deps;
  const authorization = new Authorization({
    adminGroups: config.admins.groups,
    auditorGroups: config.auditors.groups,
    policies: config.policies,
  });
  const webhooks = wireWebhooks({
    webhooks: config.notifications.webhooks,
    events,
    store: deps.store,
    log,
    now,
  });
  const revocations = new PendingRevocations({
    store: deps.store,
    audit,
    log,
    now,
    onUnrecorded: (pending) => webhooks.alert(revocationAlert('unrecorded', pending)),
    onRecorded: (pending) => webhooks.alert(revocationAlert('recorded', pending)),
    changes: deps.store.changes,
  });
  // Everything below reads grants through the waiting ends.
  const store = revocations.overlay(deps.store);
  const services = {
    store,
    audit,
    book,
    events,
    revocations,
    policies: config.policies,
    authorization,
    now,
  };
  const grants = new GrantService({
    store,
    book,
    audit,
    events,
    revocations,
    now,
    resourceExists: (id) => config.resources.some((r) => r.id === id),
    policies: config.policies,
  });
  const requests = new RequestService(services);
  const grantEnding = new GrantEnding(services);
  const queries = new RequestQueries(services);
  const tokens = new TokenService({ store, audit, now });

  /**
   * Grants that ended while jitgate was down (the book never held them; their real end time is
   * in `endsAt`): the same expiry claim as a live expiry's (GrantRepository.claimExpired is
   * claimExpiry for all of them at once), so a restart or a second replica never records one
   * twice. The claimer records and announces them.
   */
  const recordMissedExpiries = async () => {
    const claimed = await store.atomic(async () => {
      const ended = await store.grants.claimExpired(now());
      for (const grant of ended)
        await audit.append({
          code: 'grant.expired',
          actor: 'system',
          target: grant.resourceId,
          data: { grant: grant.id, user: grant.userId, endsAt: grant.endsAt, recordedLate: true },
        });
      return ended;
    });
    claimed.forEach((grant) => events.emit({ type: 'grant.ended', grant, end: 'expired' }));
  };

  const starts = createStartRecords({ store, audit, events, log, now });
  book.onStart((grant) => {
    log.info('grant started', { grant: grant.id });
    starts.started(grant);
  });

  const expiries = createExpiryRecords({ store, audit, events, log, now });
  book.onEnd((grant, reason) => {
    const closed = live.closeGrant(grant.id);
    log.info('grant ended', { grant: grant.id, reason, closedConnections: closed });
    // Revokes and releases are audited and announced where they happen; expiry happens here.
    if (reason === 'expired') expiries.expired(grant);
  });
  const minted = await wireCredentials({
    config,
    store,
    audit,
    events,
    book,
    tokens,
    issuer: deps.portalOrigin,
    log,
    now,
  });
  // Live grants (and pending requests, read on demand) survive a restart: they are in the store.
  await grants.load();
  // The book announces scheduled starts after its first sweep; the ones before it are these.
  const loadedAt = now();
  book.sweep(loadedAt);
  await starts.recordMissed(loadedAt);
  await recordMissedExpiries();
  const expireRequests = () =>
    requests
      .expireOverdue()
      .catch((error: unknown) => log.error('request expiry failed', { error }));
  await expireRequests();
  const flushRevocations = () =>
    !revocations.idle &&
    void revocations
      .flush()
      .catch((error: unknown) => log.error('pending grant ends not written', { error }));
  const breakGlass = await wireBreakGlass({ ...services, log });
  const timers = [
    setInterval(() => book.sweep(now()), GRANT_SWEEP_MS),
    setInterval(() => void expireRequests(), REQUEST_EXPIRY_MS),
    setInterval(flushRevocations, PENDING_REVOCATION_RETRY_MS),
    setInterval(() => void expiries.retry(), CLOCK_RECORD_RETRY_MS),
    setInterval(() => starts.retry(), CLOCK_RECORD_RETRY_MS),
  ];
  // The HTTP server keeps a running proxy alive; these must not keep a failed start-up alive.
  timers.forEach((timer) => timer.unref());

  return {
    store,
    revocations,
    authorization,
    audit,
    events,
    grants,
    requests,
    grantEnding,
    queries,
    tokens,
    minted,
    breakGlass,
    reports: new AccessReports({ store, now }),
    stop: async () => {
      timers.forEach(clearInterval);
      breakGlass.stop();
      void webhooks.stop();
      await minted.stop();
    },
  };
}
