/**
 * `jitgate audit verify|export`: works offline on the store, so an auditor can check the chain
 * of a stopped proxy, a backup copy, or the PostgreSQL database running replicas share. It opens
 * the store like the proxy does (SQLite in WAL mode lets it read beside a running proxy; on
 * PostgreSQL it reads between the replicas' appends) and writes no audit events of its own.
 */
import { parseArgs } from 'node:util';
import { AuditLog, type AuditExportFilter } from '../audit/audit-log.js';
import { isAuditCode } from '../audit/codes.js';
import { parseAuditTime } from '../audit/query.js';
import { JitgateError } from '../shared/errors.js';
import { CliError, EXIT } from './exit-codes.js';
import { escapedJson } from './output.js';
import { AUDIT_USAGE } from './usage.js';
import { offlineStore, STORE_OPTIONS, withOfflineStore } from './offline-store.js';

const LOCATION = { ...STORE_OPTIONS, json: { type: 'boolean' } } as const;

function withLog<T>(
  values: { 'state-dir'?: string; config?: string; postgres?: boolean },
  work: (log: AuditLog) => Promise<T>,
): Promise<T> {
  return withOfflineStore(offlineStore(values), (store) =>
    work(new AuditLog(store.audit, store, Date.now)),
  );
}

async function verify(args: string[]) {
  const { values } = parseArgs({ args, options: LOCATION });
  const result = await withLog(values, (log) => log.verify());
  if (values.json) console.log(JSON.stringify(result));
  else if (result.ok) console.log(`ok: ${result.count} events, head ${result.head}`);
  else console.log(`broken at seq ${result.seq}: ${result.reason} (${result.detail})`);
  if (!result.ok) process.exitCode = EXIT.chainBroken;
}

function exportFilter(values: Record<string, string | boolean | undefined>): AuditExportFilter {
  const filter: AuditExportFilter = {};
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const code = text('code');
  if (code !== undefined && !isAuditCode(code))
    throw new CliError(`unknown audit code "${code}" (see docs/audit.md)`);
  if (code !== undefined) filter.code = code;
  const actor = text('actor');
  if (actor !== undefined) filter.actor = actor;
  const target = text('target');
  if (target !== undefined) filter.target = target;
  try {
    const since = text('since');
    const until = text('until');
    if (since !== undefined) filter.from = parseAuditTime('--since', since, false);
    if (until !== undefined) filter.to = parseAuditTime('--until', until, true);
  } catch (error) {
    if (error instanceof JitgateError) throw new CliError(error.message);
    throw error;
  }
  return filter;
}

async function exportEvents(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      ...LOCATION,
      code: { type: 'string' },
      actor: { type: 'string' },
      target: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
    },
  });
  const filter = exportFilter(values);
  const count = await withLog(values, (log) =>
    log.export((line) => {
      // People's text (reasons, comments) with C1 escaped: the same JSON, safe on a terminal.
      process.stdout.write(escapedJson(line) + '\n');
    }, filter),
  );
  console.error(values.json ? JSON.stringify({ exported: count }) : `exported ${count} events`);
}

export async function auditCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'verify') return verify(rest);
  if (sub === 'export') return exportEvents(rest);
  throw new CliError(`usage:\n${AUDIT_USAGE}`);
}
