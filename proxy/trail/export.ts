/**
 * One grant's trail as a download, HAR 1.2 or JSON lines, for the portal and the API alike. The
 * export is audited before the first byte leaves (`trail.exported`): an export that cannot be
 * audited does not happen. Rows are read a page at a time and written with backpressure, so a
 * long trail never sits in memory.
 */
import type { Response } from 'express';
import { harEntry, harFrame, jsonLine } from '../../recorder/trail/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ResourceConfig } from '../config/schema.js';
import type { GrantRecord, Store } from '../store/types.js';
import type { TrailCursor } from './trail-repository.js';

export type TrailFormat = 'har' | 'jsonl';

export interface TrailExportDeps {
  store: Pick<Store, 'trail'>;
  audit: Pick<AuditLog, 'record'>;
  /** The browser origin of a resource (http://payroll.localhost:8080), for HAR URLs. */
  originOf(resourceId: string): string;
}

/** Resource id → the origin people open it at ("" for a resource no longer configured). */
export const resourceOrigin =
  (resources: readonly ResourceConfig[], appOrigin: (r: ResourceConfig) => string | undefined) =>
  (id: string): string => {
    const resource = resources.find((r) => r.id === id);
    return (resource && appOrigin(resource)) ?? '';
  };

const PAGE = 1000;
/** The HAR `creator.version`: the jitgate release (package.json). */
const VERSION = '0.1.0';

/** Resolves once the client can take more, or has gone. */
function writable(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

export async function sendTrailExport(
  res: Response,
  deps: TrailExportDeps,
  grant: GrantRecord,
  format: TrailFormat,
  actor: string,
  via: 'portal' | 'api',
): Promise<void> {
  await deps.audit.record({
    code: 'trail.exported',
    actor,
    target: grant.id,
    data: { format, via, resource: grant.resourceId, user: grant.userId },
  });
  const name = `jitgate-trail-${grant.id}.${format}`;
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  res.setHeader('cache-control', 'no-store');
  res.type(format === 'har' ? 'application/json' : 'application/x-ndjson');
  const origin = deps.originOf(grant.resourceId);
  const frame = harFrame({
    origin: () => origin,
    creatorVersion: VERSION,
    comment: `jitgate web session trail of grant ${grant.id}`,
  });
  const write = async (text: string) => {
    if (!res.write(text)) await writable(res);
  };
  if (format === 'har') await write(frame.opening);
  let after: TrailCursor | undefined;
  let first = true;
  for (;;) {
    const page = await deps.store.trail.byGrant(grant.id, {}, { after, limit: PAGE });
    for (const record of page) {
      if (res.destroyed) return;
      if (format === 'jsonl') await write(jsonLine(record));
      else await write((first ? '' : ',') + JSON.stringify(harEntry(record, origin)));
      first = false;
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    after = last;
  }
  if (format === 'har') await write(frame.closing);
  res.end();
}
