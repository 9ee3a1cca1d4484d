/**
 * `jitgate report access [--resource R] [--user U] [--from DATE] [--to DATE] [--csv|--json]`:
 * an access review for auditors (docs/access-reviews.md). The server builds it; the CSV is the
 * server's own, written as it comes to a file or pipe, so every client exports the same file.
 */
import { parseCommand, positionalsOf } from '../args.js';
import { CliError } from '../exit-codes.js';
import { printCsv, printJson, printTable } from '../output.js';
import { clientFor } from '../session.js';

export const REPORT_USAGE =
  'jitgate report access [--resource R] [--user U] [--from DATE] [--to DATE] [--csv|--json] [--url URL]';

export async function report(args: string[]) {
  const parsed = parseCommand(
    args,
    {
      resource: { type: 'string' },
      user: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      csv: { type: 'boolean' },
    },
    REPORT_USAGE,
  );
  const [kind = ''] = positionalsOf(parsed, ['KIND'], REPORT_USAGE);
  if (kind !== 'access') throw new CliError(`unknown report "${kind}"\nusage: ${REPORT_USAGE}`);
  const { values } = parsed;
  if (values.csv && values.json)
    throw new CliError(`--csv or --json, not both\nusage: ${REPORT_USAGE}`);
  const query = {
    ...(values.resource !== undefined ? { resource: values.resource } : {}),
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
  };
  const client = clientFor(values.url);
  if (values.csv) return printCsv(await client.accessReportCsv(query));
  const answer = await client.accessReport(query);
  if (values.json) return printJson(answer);
  process.stderr.write(`access review ${answer.period.from} – ${answer.period.to}\n`);
  printTable(
    answer.grants.map((g) => [
      g.grant,
      g.person?.username ?? g.user,
      g.resource,
      g.startsAt ?? '',
      g.endedAt ?? g.endsAt ?? '',
      g.state,
      g.breakGlass ? `BREAK-GLASS ${g.breakGlass.incident}` : (g.policy ?? '-'),
      g.allowedBy.join(' '),
      `${g.sessions.length} sessions, ${g.trail.requests} requests`,
      g.reason ?? '',
    ]),
    [
      'GRANT',
      'WHO',
      'RESOURCE',
      'FROM',
      'UNTIL',
      'STATE',
      'POLICY',
      'ALLOWED BY',
      'DONE',
      'REASON',
    ],
    'no grants in that period',
  );
  if (answer.truncated) process.stderr.write('(cut short: narrow the period or the subject)\n');
  process.stderr.write('standing privilege on the targets (needs no grant)\n');
  printTable(
    answer.standing.map((f) => [f.resource, f.kind, f.principal ?? '-', f.detail]),
    ['RESOURCE', 'KIND', 'PRINCIPAL', 'DETAIL'],
    'none found',
  );
}
