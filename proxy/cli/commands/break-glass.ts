/**
 * Break-glass from the terminal: `request RESOURCE --break-glass …` (emergency access, no
 * approver), `reviews` (break-glass grants waiting for my review) and `review GRANT_ID
 * --justified|--not-justified --comment TEXT`. Thin layers over JitgateClient.
 */
import { durationArg, parseCommand, positionalsOf } from '../args.js';
import { JitgateApiError } from '../../sdk/errors.js';
import { CliError } from '../exit-codes.js';
import { printJson, printTable, say } from '../output.js';
import { clientFor } from '../session.js';
import { nameWithOrigin } from '../../shared/identity-origin.js';

export const BREAK_GLASS_USAGE =
  'jitgate request RESOURCE --break-glass --incident ID --for 15m --reason TEXT [--json] [--url URL]';

/** `jitgate request … --break-glass`: the values are request's own, already parsed. */
export async function breakGlassRequest(
  resource: string,
  values: { for?: string; reason?: string; incident?: string; json?: boolean; url?: string },
) {
  const missing = [
    values.incident ? '' : '--incident',
    values.for ? '' : '--for',
    values.reason ? '' : '--reason',
  ].filter(Boolean);
  if (missing.length > 0)
    throw new CliError(
      `breaking the glass needs ${missing.join(', ')}\nusage: ${BREAK_GLASS_USAGE}`,
    );
  const client = clientFor(values.url);
  const broken = await client
    .breakGlass({
      resource,
      duration: durationArg(values.for, '--for'),
      incident: values.incident ?? '',
      reason: values.reason ?? '',
    })
    .catch((error: unknown) => {
      // The refusal stands as it is; the person learns how to bring a fresh second factor.
      if (error instanceof JitgateApiError && error.code === 'mfa_required')
        say(
          'breaking the glass needs a fresh MFA step-up: run `jitgate login --step-up`, then retry',
        );
      throw error;
    });
  if (values.json) return printJson(broken);
  say(
    `BREAK-GLASS: granted ${resource} until ${broken.grant.endsAt} for ${broken.breakGlass.incident}; ` +
      `an approver reviews it by ${broken.breakGlass.reviewDueAt}`,
  );
  process.stdout.write(broken.grant.id + '\n');
}

export async function reviews(args: string[]) {
  const usage = 'jitgate reviews [--json] [--url URL]';
  const { values } = parseCommand(args, {}, usage);
  const list = await clientFor(values.url).breakGlassReviews();
  if (values.json) return printJson(list);
  printTable(
    list.map((r) => [
      r.grant,
      r.person ? nameWithOrigin(r.person) : r.user,
      r.resource,
      r.incident,
      r.overdue ? `OVERDUE (due ${r.reviewDueAt})` : `due ${r.reviewDueAt}`,
      r.reason,
    ]),
    ['GRANT', 'WHO', 'RESOURCE', 'INCIDENT', 'REVIEW', 'REASON'],
    'no break-glass grants wait for your review',
  );
}

export async function review(args: string[]) {
  const usage =
    'jitgate review GRANT_ID --justified|--not-justified --comment TEXT [--json] [--url URL]';
  const parsed = parseCommand(
    args,
    {
      justified: { type: 'boolean' },
      'not-justified': { type: 'boolean' },
      comment: { type: 'string' },
    },
    usage,
  );
  const [id = ''] = positionalsOf(parsed, ['GRANT_ID'], usage);
  const { values } = parsed;
  if (values.justified === values['not-justified'])
    throw new CliError(`say --justified or --not-justified\nusage: ${usage}`);
  if (!values.comment) throw new CliError(`--comment is required\nusage: ${usage}`);
  const verdict = values.justified ? 'justified' : 'not_justified';
  const reviewed = await clientFor(values.url).reviewBreakGlass(id, verdict, values.comment);
  if (values.json) return printJson(reviewed);
  say(`reviewed ${id}: ${verdict.replace('_', ' ')}`);
}
