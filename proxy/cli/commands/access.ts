/**
 * People's and machines' access commands: resources, request, requests, approve, deny, grants,
 * release. Each is a thin layer over JitgateClient; --json prints the API's own objects.
 */
import { durationArg, parseCommand, positionalsOf } from '../args.js';
import { CliError } from '../exit-codes.js';
import { obtainGrant } from '../grant-flow.js';
import { printJson, printTable, timeLeft, say } from '../output.js';
import { clientFor } from '../session.js';
import { BREAK_GLASS_USAGE, breakGlassRequest } from './break-glass.js';
import { nameWithOrigin } from '../../shared/identity-origin.js';

export async function resources(args: string[]) {
  const usage = 'jitgate resources [--json] [--url URL]';
  const { values } = parseCommand(args, {}, usage);
  const list = await clientFor(values.url).resources();
  if (values.json) return printJson(list);
  printTable(
    list.map((r) => [
      r.id,
      r.kind,
      r.access.state === 'active' ? `active (${timeLeft(r.access.endsAt)})` : r.access.state,
      !r.policy.requestable
        ? 'not requestable'
        : r.policy.needsApproval
          ? 'needs approval'
          : 'auto-approve',
      r.policy.maxDuration,
    ]),
    ['RESOURCE', 'KIND', 'ACCESS', 'POLICY', 'MAX'],
    'no resources',
  );
}

export async function request(args: string[]) {
  const usage = `jitgate request RESOURCE --for 30m --reason TEXT [--ticket T] [--wait] [--json] [--url URL]
   or: ${BREAK_GLASS_USAGE}`;
  const parsed = parseCommand(
    args,
    {
      for: { type: 'string' },
      reason: { type: 'string' },
      ticket: { type: 'string' },
      wait: { type: 'boolean' },
      'break-glass': { type: 'boolean' },
      incident: { type: 'string' },
    },
    usage,
  );
  const [resource = ''] = positionalsOf(parsed, ['RESOURCE'], usage);
  const { values } = parsed;
  if (values['break-glass']) return breakGlassRequest(resource, values);
  if (values.incident !== undefined)
    throw new CliError(`--incident goes with --break-glass\nusage: ${usage}`);
  const client = clientFor(values.url);
  const wish = {
    resource,
    duration: durationArg(values.for, '--for'),
    reason: values.reason,
    ticket: values.ticket,
  };
  if (values.wait) {
    const { grant } = await obtainGrant(client, {
      ...wish,
      wait: true,
      onPending: (id, reasons) => say(`request ${id} waits for approval: ${reasons.join('; ')}`),
    });
    if (values.json) return printJson({ grant });
    say(`granted ${resource} until ${grant.endsAt}`);
    return void process.stdout.write(grant.id + '\n');
  }
  const created = await client.request({
    resource,
    duration: wish.duration,
    ...(wish.reason !== undefined ? { reason: wish.reason } : {}),
    ...(wish.ticket !== undefined ? { ticket: wish.ticket } : {}),
  });
  if (values.json) return printJson(created);
  if (created.grant) {
    say(`granted ${resource} until ${created.grant.endsAt} (${created.decision.reasons[0] ?? ''})`);
    return void process.stdout.write(created.grant.id + '\n');
  }
  say(`request ${created.request.id} waits for approval: ${created.decision.reasons.join('; ')}`);
  process.stdout.write(created.request.id + '\n');
}

export async function requests(args: string[]) {
  const usage = 'jitgate requests [--approvals] [--json] [--url URL]';
  const { values } = parseCommand(args, { approvals: { type: 'boolean' } }, usage);
  const list = await clientFor(values.url).requests(values.approvals ? 'approvals' : 'mine');
  if (values.json) return printJson(list);
  printTable(
    list.map((r) => [
      r.id,
      r.requester ? nameWithOrigin(r.requester) : r.user,
      r.resource,
      r.state,
      r.duration,
      r.reason ?? '',
    ]),
    ['REQUEST', 'WHO', 'RESOURCE', 'STATE', 'FOR', 'REASON'],
    values.approvals ? 'nothing waits for your approval' : 'no requests',
  );
}

export async function approve(args: string[]) {
  const usage = 'jitgate approve REQUEST_ID [--for 15m] [--comment TEXT] [--json] [--url URL]';
  const parsed = parseCommand(
    args,
    { for: { type: 'string' }, comment: { type: 'string' } },
    usage,
  );
  const [id = ''] = positionalsOf(parsed, ['REQUEST_ID'], usage);
  const { values } = parsed;
  const answer = await clientFor(values.url).approve(id, {
    ...(values.for !== undefined ? { duration: durationArg(values.for, '--for') } : {}),
    ...(values.comment !== undefined ? { comment: values.comment } : {}),
  });
  if (values.json) return printJson(answer);
  say(
    answer.grant
      ? `approved ${id}: grant ${answer.grant.id} until ${answer.grant.endsAt}`
      : `approval of ${id} recorded; more approvals needed`,
  );
}

export async function deny(args: string[]) {
  const usage = 'jitgate deny REQUEST_ID --comment TEXT [--json] [--url URL]';
  const parsed = parseCommand(args, { comment: { type: 'string' } }, usage);
  const [id = ''] = positionalsOf(parsed, ['REQUEST_ID'], usage);
  const { values } = parsed;
  if (!values.comment) throw new CliError(`--comment is required\nusage: ${usage}`);
  const denied = await clientFor(values.url).deny(id, values.comment);
  if (values.json) return printJson(denied);
  say(`denied ${id}`);
}

export async function grants(args: string[]) {
  const usage = 'jitgate grants [--all] [--json] [--url URL]';
  const { values } = parseCommand(args, { all: { type: 'boolean' } }, usage);
  const list = (await clientFor(values.url).grants()).filter((g) => values.all || g.live);
  if (values.json) return printJson(list);
  printTable(
    list.map((g) => [
      g.id,
      g.resource,
      g.state,
      g.live ? timeLeft(g.endsAt) : g.endsAt,
      g.breakGlass ? 'BREAK-GLASS' : '',
      g.reason ?? '',
    ]),
    ['GRANT', 'RESOURCE', 'STATE', 'ENDS', 'KIND', 'REASON'],
    values.all ? 'no grants' : 'no live grants (--all shows ended ones)',
  );
}

export async function release(args: string[]) {
  const usage = 'jitgate release GRANT_ID [--json] [--url URL]';
  const parsed = parseCommand(args, {}, usage);
  const [id = ''] = positionalsOf(parsed, ['GRANT_ID'], usage);
  const grant = await clientFor(parsed.values.url).release(id);
  if (parsed.values.json) return printJson(grant);
  say(`released ${id}`);
}
