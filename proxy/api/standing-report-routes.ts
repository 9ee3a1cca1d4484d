/**
 * POST /ssh/standing-report: an SSH target's agent (`jitgate target-agent --standing`) reports
 * the standing access it found on its host. It proves which resource it speaks for with that
 * resource's `agentToken` (a shared bearer, compared in constant time). The report is hostile
 * input: parsed with a bounded schema, turned into findings here (credentials/ssh-standing.ts),
 * and kept in the store, so every replica shows the same (docs/access-reviews.md). The report
 * and its `standing.reported` event commit together: one that cannot be audited is refused.
 *
 * Mounted before the app's 64 KiB body parser: a host with many keys reports more than that.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express from 'express';
import type { AuditLog } from '../audit/audit-log.js';
import type { SshResourceConfig } from '../config/schema.js';
import type { StandingScan } from '../credentials/standing-scan.js';
import { sshFindings } from '../credentials/ssh-standing.js';
import { JitgateError } from '../shared/errors.js';
import { sshStandingReport } from '../shared/ssh-standing-report.js';
import type { Store } from '../store/types.js';
import { parseBody } from './body.js';

export interface StandingReportRoutesDeps {
  resources: readonly SshResourceConfig[];
  store: Pick<Store, 'atomic' | 'standingReports'>;
  audit: Pick<AuditLog, 'append'>;
  /** Fingerprints of jitgate's user CA keys (every generation it trusts). */
  jitgateCas(): Promise<ReadonlySet<string>>;
  /** Told of a new report, so this replica's /metrics follows at once. */
  standing: Pick<StandingScan, 'scan'>;
  /** The address a report came from, as sign-in events name a client (shared/client-address.ts). */
  clientOf(req: IncomingMessage): string;
  now: () => number;
}

const digest = (text: string) => createHash('sha256').update(text).digest();
const refused = () =>
  new JitgateError(
    401,
    'agent_token_invalid',
    "a standing report needs the resource's agent token as Bearer",
  );
const bearerOf = (req: IncomingMessage) =>
  /^Bearer (\S{1,512})$/.exec(req.headers.authorization ?? '')?.[1];
/** Compared in constant time (digests of equal length). */
const holds = (bearer: string, resource: SshResourceConfig) =>
  resource.agentToken !== undefined && timingSafeEqual(digest(bearer), digest(resource.agentToken));

export function standingReportRoutes(deps: StandingReportRoutesDeps): express.Router {
  const router = express.Router();
  // The body may be 4 MiB: only a caller holding some resource's agent token gets it read.
  const agentOnly: express.RequestHandler = (req, _res, next) => {
    const bearer = bearerOf(req);
    if (!bearer || !deps.resources.some((r) => holds(bearer, r))) throw refused();
    next();
  };
  router.post('/', agentOnly, express.json({ limit: '4mb' }), async (req, res) => {
    const bearer = bearerOf(req) ?? '';
    const claimed = (req.body as { resource?: unknown } | undefined)?.resource;
    const resource = deps.resources.find((r) => r.id === claimed);
    // Unknown resource, no token configured, another resource's token: one answer, no hint which.
    if (!resource || !holds(bearer, resource)) throw refused();
    const report = parseBody(sshStandingReport, req.body);
    const findings = sshFindings(report, await deps.jitgateCas());
    await deps.store.atomic(async () => {
      await deps.store.standingReports.put({
        resourceId: resource.id,
        findings,
        reportedAt: deps.now(),
      });
      await deps.audit.append({
        code: 'standing.reported',
        actor: 'target-agent',
        target: resource.id,
        data: { resource: resource.id, findings: findings.length, client: deps.clientOf(req) },
      });
    });
    await deps.standing.scan();
    res.status(204).end();
  });
  return router;
}
