/**
 * `jitgate grant` and `jitgate end-sessions` (admin only) and `jitgate revoke`: with --state-dir, or with no login at hand,
 * they use the admin token in the proxy's state folder as they always did; a signed-in approver
 * or admin revokes through the API as themselves.
 */
import { adminCall, type AdminTarget } from '../admin-client.js';
import { durationArg, parseCommand, positionalsOf, proxyUrl } from '../args.js';
import { printJson } from '../output.js';
import { clientFor, hasCredential } from '../session.js';

const GRANT_USAGE =
  'jitgate grant USER RESOURCE --for 30m [--reason TEXT] [--force] [--state-dir DIR] [--url URL]';
const END_SESSIONS_USAGE = 'jitgate end-sessions USER [--state-dir DIR] [--json] [--url URL]';
const REVOKE_USAGE =
  'jitgate revoke GRANT_ID [--reason TEXT] [--state-dir DIR] [--json] [--url URL]';

function adminTarget(values: {
  url?: string | undefined;
  'state-dir'?: string | undefined;
}): AdminTarget {
  return {
    url: proxyUrl(values.url),
    stateDir: values['state-dir'] ?? process.env.JITGATE_STATE_DIR ?? '.jitgate',
  };
}

export async function grant(args: string[]) {
  const parsed = parseCommand(
    args,
    {
      for: { type: 'string' },
      reason: { type: 'string' },
      force: { type: 'boolean' },
      'state-dir': { type: 'string' },
    },
    GRANT_USAGE,
  );
  const [user = '', resource = ''] = positionalsOf(parsed, ['USER', 'RESOURCE'], GRANT_USAGE);
  const { values } = parsed;
  const json = await adminCall(adminTarget(values), '/api/v1/admin/grants', {
    user,
    resource,
    duration: durationArg(values.for, '--for'),
    ...(values.reason ? { reason: values.reason } : {}),
    // Without it, jitgate refuses a grant no policy would give (grant_outside_policy).
    ...(values.force ? { force: true } : {}),
  });
  const created = json.grant as { id: string; endsAt: string };
  if (values.json) return printJson(json.grant);
  const forced = values.force ? ' (--force: if outside policy, the audit log says so)' : '';
  console.error(`granted ${user} access to ${resource} until ${created.endsAt}${forced}`);
  console.log(created.id);
}

export async function revoke(args: string[]) {
  const parsed = parseCommand(
    args,
    { reason: { type: 'string' }, 'state-dir': { type: 'string' } },
    REVOKE_USAGE,
  );
  const [id = ''] = positionalsOf(parsed, ['GRANT_ID'], REVOKE_USAGE);
  const { values } = parsed;
  if (values['state-dir'] !== undefined || !hasCredential(values.url)) {
    const path = `/api/v1/admin/grants/${encodeURIComponent(id)}/revoke`;
    const json = await adminCall(adminTarget(values), path, {});
    if (values.json) return printJson(json.grant);
    // 202: access is cut, but the store could not record the revoke yet (jitgate retries).
    if (json.recorded === false)
      return console.error(
        `revoked ${id}: access is cut, but not recorded yet (the store refuses writes; see the proxy's log)`,
      );
    return console.error(`revoked ${id}`);
  }
  const revoked = await clientFor(values.url).revoke(id, values.reason);
  if (values.json) return printJson(revoked);
  console.error(`revoked ${id}`);
}

/** Ends every sign-in of a person at once (portal sessions, tokens, what runs under them). */
export async function endSessions(args: string[]) {
  const parsed = parseCommand(args, { 'state-dir': { type: 'string' } }, END_SESSIONS_USAGE);
  const [user = ''] = positionalsOf(parsed, ['USER'], END_SESSIONS_USAGE);
  const { values } = parsed;
  const path = `/api/v1/admin/users/${encodeURIComponent(user)}/end-sessions`;
  const json = await adminCall(adminTarget(values), path, {});
  if (values.json) return printJson(json);
  const ended = json.ended as { sessions: number; tokens: number; codes: number };
  console.error(
    `ended every sign-in of ${String(json.user)}: ${ended.sessions} portal session(s), ${ended.tokens} token(s)`,
  );
}
