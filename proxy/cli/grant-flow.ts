/**
 * Getting a live grant for a resource, as `request --wait` and `exec` do: reuse one I hold,
 * else ask (or join my pending request), and wait for an approver when policy wants one.
 */
import type { JitgateClient } from '../sdk/jitgate-client.js';
import type { GrantInfo } from '../sdk/types.js';
import { CliError, EXIT } from './exit-codes.js';

export interface GrantWish {
  resource: string;
  duration: string;
  reason?: string | undefined;
  ticket?: string | undefined;
  /** Wait for approval (else a pending request is an error for commands that need a grant). */
  wait: boolean;
  /** Told once when a request waits for approval. */
  onPending?: (requestId: string, reasons: string[]) => void;
  /** Stops the wait (a signal to the CLI): a request this call filed is withdrawn first. */
  signal?: AbortSignal;
}

/**
 * Withdraws a request whose asker has gone: no approver may later start a grant nobody will use
 * or end. Approved in the meantime, its grant is released instead.
 */
async function withdraw(client: JitgateClient, requestId: string): Promise<void> {
  const cancelled = await client.cancel(requestId).catch(() => undefined);
  if (cancelled) return;
  const decided = (await client.requests()).find((r) => r.id === requestId);
  if (decided?.state === 'approved' && decided.grant) await client.release(decided.grant);
}

export async function liveGrant(
  client: JitgateClient,
  resource: string,
): Promise<GrantInfo | undefined> {
  const grants = await client.grants();
  return grants
    .filter((g) => g.resource === resource && g.live)
    .sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt))[0];
}

export async function obtainGrant(
  client: JitgateClient,
  wish: GrantWish,
): Promise<{ grant: GrantInfo; reused: boolean }> {
  const held = await liveGrant(client, wish.resource);
  if (held) return { grant: held, reused: true };
  const mine = await client.requests();
  let pending = mine.find((r) => r.resource === wish.resource && r.state === 'pending');
  // Only a request filed here is withdrawn on a signal: a joined one may be another job's.
  const filedHere = !pending;
  if (!pending) {
    const created = await client.request({
      resource: wish.resource,
      duration: wish.duration,
      ...(wish.reason !== undefined ? { reason: wish.reason } : {}),
      ...(wish.ticket !== undefined ? { ticket: wish.ticket } : {}),
    });
    if (created.grant) return { grant: created.grant, reused: false };
    pending = created.request;
    wish.onPending?.(pending.id, created.decision.reasons);
  } else wish.onPending?.(pending.id, pending.policyReasons);
  if (!wish.wait)
    throw new CliError(
      `request ${pending.id} waits for approval (use --wait to wait for it)`,
      EXIT.notGranted,
    );
  const requestId = pending.id;
  try {
    const options = wish.signal ? { signal: wish.signal } : {};
    return { grant: await client.waitForGrant(requestId, options), reused: false };
  } catch (error) {
    if (filedHere && wish.signal?.aborted) await withdraw(client, requestId).catch(() => undefined);
    throw error;
  }
}
