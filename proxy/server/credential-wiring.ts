/**
 * Machines and minted credentials as one unit of the composition root (called by wireAccess,
 * which owns the grant events and clocks): the machine token verifier, the temporary PostgreSQL
 * roles with their reaper, and the Kubernetes bearer signer.
 */
import { liveSessionOf } from '../identity/mint-under-sign-in.js';
import type express from 'express';
import type { AccessEvents } from '../access/events.js';
import type { GrantBook } from '../access/grant-book.js';
import { cliLoginRoutes, type CliLoginDeps } from '../api/cli-login-routes.js';
import { credentialRoutes } from '../api/credential-routes.js';
import { kubeReviewRoutes } from '../api/kube-review-routes.js';
import { standingReportRoutes } from '../api/standing-report-routes.js';
import { sshCertRoutes } from '../api/ssh-cert-routes.js';
import { createMachineAuth, type MachineAuth } from '../api/machine-auth.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config, SshResourceConfig } from '../config/schema.js';
import { createAdminPools } from '../credentials/admin-pools.js';
import { StandingScan } from '../credentials/standing-scan.js';
import { clientKey } from '../shared/client-address.js';
import { Metrics } from '../shared/metrics.js';
import { CredentialService } from '../credentials/credential-service.js';
import { createKubeTokens, type KubeTokens } from '../credentials/kube-token.js';
import { PostgresRoles } from '../credentials/postgres-roles.js';
import { REAP_EVERY_MS, Reaper } from '../credentials/reaper.js';
import { createMachineVerifier } from '../identity/machine-tokens.js';
import { SshCertificateAuthority } from '../terminal/ssh-ca.js';
import { fingerprint } from '../terminal/ssh-keys.js';
import type { TokenService } from '../api/token-service.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';

export interface CredentialWiringDeps {
  config: Config;
  store: Store;
  audit: AuditLog;
  events: AccessEvents;
  book: Pick<GrantBook, 'findLiveById'>;
  tokens: TokenService;
  /** The `iss` of the Kubernetes bearers jitgate signs. */
  issuer: string;
  log: Logger;
  now: () => number;
}

/** Standing roles change rarely; a scan reads one catalog per PostgreSQL resource. */
const STANDING_SCAN_EVERY_MS = 10 * 60_000;

export interface CredentialWiring {
  credentials: CredentialService;
  machines: MachineAuth | undefined;
  kube: KubeTokens;
  reaper: Reaper;
  /** Standing privilege on the targets (roles jitgate did not create), scanned on a timer. */
  standing: StandingScan;
  renderMetrics(): string;
  /** Under /api/v1 for signed-in callers: a grant's credentials, SSH certificates. */
  apiRoutes: express.Router[];
  /** Under /api/v1, before people's authentication: the Kubernetes webhook (its own) and keys. */
  kubeRoutes: express.Router;
  /** /cli/authorize and /cli/token: `jitgate login` for people, with the step-ups it may carry. */
  cliRoutes(stepUps: CliLoginDeps['stepUps']): express.Router;
  /** POST /ssh/standing-report (target agents; mounted before the 64 KiB body parser). */
  standingReportRoute: express.Router;
  stop(): Promise<void>;
}

/** SSH resources whose target agent may report standing privilege: those with an agentToken. */
const reportingSshResources = (resources: Config['resources']) =>
  resources.filter((r): r is SshResourceConfig => r.kind === 'ssh' && r.agentToken !== undefined);

export async function wireCredentials(deps: CredentialWiringDeps): Promise<CredentialWiring> {
  const { config, store, audit, log, now } = deps;
  const pools = createAdminPools();
  const roles = new PostgresRoles({ ledger: store.credentialRoles, pools, audit, now });
  const kube = await createKubeTokens(store.settings, deps.issuer);
  const credentials = new CredentialService({
    resources: config.resources,
    roles,
    ledger: store.credentialRoles,
    pools,
    kube,
    log,
    now,
  });
  const reaper = new Reaper({
    ledger: store.credentialRoles,
    grants: store.grants,
    roles,
    resource: (id) => credentials.postgres(id),
    log,
    now,
  });
  const off = deps.events.on((event) => {
    if (event.remote) return;
    if (event.type === 'grant.started') credentials.grantStarted(event.grant);
    if (event.type === 'grant.ended')
      credentials.grantEnded(event.grant, event.end).catch((error: unknown) => {
        // The role's VALID UNTIL still ends it; the reaper drops it on its next pass.
        log.error('database role not dropped', { grant: event.grant.id, error });
      });
  });
  const reap = () =>
    void store
      .exclusive('reaper', () => reaper.run())
      .catch((error: unknown) => log.error('reaper failed', { error }));
  // At start-up, not awaited: a database that is down must not keep the proxy from starting.
  reap();
  const timer = setInterval(reap, REAP_EVERY_MS);
  timer.unref();
  const standing = new StandingScan({
    resources: config.resources.filter((r) => r.kind === 'postgres'),
    pools,
    sshResources: reportingSshResources(config.resources),
    reports: store.standingReports,
    log,
    now,
  });
  const scan = () =>
    void standing.scan().catch((error: unknown) => log.error('standing scan failed', { error }));
  // Like the reaper: at start-up without waiting, then now and then; the API scans on demand.
  scan();
  const scanTimer = setInterval(scan, STANDING_SCAN_EVERY_MS);
  scanTimer.unref();
  const metrics = new Metrics();
  metrics.gauge(
    'jitgate_standing_privileges',
    'Login roles on PostgreSQL targets, and keys, CAs, principals and sshd settings on SSH targets, that admit without jitgate (last scan).',
    () => standing.findings.filter((f) => f.kind !== 'scan_failed').length,
  );

  let ca: Promise<SshCertificateAuthority> | undefined;
  const openCa = () =>
    SshCertificateAuthority.open(store.settings, {
      signingGeneration: config.terminal.caSigningGeneration,
      alsoTrust: config.terminal.caAlsoTrust,
    });
  const machines =
    config.machines.issuers.length > 0
      ? createMachineAuth({
          verifier: createMachineVerifier(config.machines, config.identityProviders),
          users: store.users,
          audit,
          now,
        })
      : undefined;

  return {
    credentials,
    machines,
    kube,
    reaper,
    standing,
    renderMetrics: () => metrics.render(),
    apiRoutes: [
      credentialRoutes({ credentials, grants: store.grants }),
      // The same CA keys the terminals use (they live in the store's settings), opened on demand.
      sshCertRoutes({
        ca: () => (ca ??= openCa()),
        grants: store.grants,
        resources: config.resources,
        store,
        audit,
        now,
      }),
    ],
    kubeRoutes: kubeReviewRoutes({ kube, book: deps.book, resources: config.resources, now }),
    cliRoutes: (stepUps: CliLoginDeps['stepUps']) =>
      cliLoginRoutes({
        tokens: deps.tokens,
        stepUps,
        liveSession: liveSessionOf(store.sessions, now),
        codes: store.oneTimeCodes,
        counters: store.rateLimits,
        now,
      }),
    standingReportRoute: standingReportRoutes({
      resources: reportingSshResources(config.resources),
      store,
      audit,
      clientOf: (req) => clientKey(req, config.server.trustProxy),
      jitgateCas: async () =>
        new Set((await (ca ??= openCa())).publicKeyBlobs().map((blob) => fingerprint(blob))),
      standing,
      now,
    }),
    async stop() {
      off();
      clearInterval(timer);
      clearInterval(scanTimer);
      await credentials.close();
    },
  };
}
