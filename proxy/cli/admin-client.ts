/** The admin side of the CLI: talks to a running proxy with the admin token from its state folder. */
import { readAdminToken } from '../api/admin-token.js';
import { boundedJson, jitgateJson } from '../sdk/bounded-body.js';
import { CliError, EXIT, exitCodeFor } from './exit-codes.js';

export interface AdminTarget {
  url: string;
  stateDir: string;
}

// The one CLI error type lives in exit-codes.ts; re-exported for the commands that import it here.
export { CliError };

export async function adminCall(
  target: AdminTarget,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  let token: string;
  try {
    token = readAdminToken(target.stateDir);
  } catch {
    throw new CliError(
      `no admin token in ${target.stateDir} (is this the proxy's state folder? use --state-dir)`,
    );
  }
  let response: Response;
  try {
    response = await fetch(new URL(path, target.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CliError(
      `cannot reach jitgate at ${target.url} (is it running? use --url)`,
      EXIT.unreachable,
    );
  }
  if (response.ok) return jitgateJson(response);
  const json = ((await boundedJson(response)) ?? {}) as Record<string, unknown>;
  const error = (json.error ?? {}) as { code?: string; message?: string };
  const code = error.code ?? `http_${response.status}`;
  throw new CliError(
    `${error.message ?? `HTTP ${response.status}`} (${code})`,
    exitCodeFor(response.status, code),
  );
}
