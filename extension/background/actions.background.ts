/**
 * What the popup, options and callback pages ask the worker to do. Errors come back as words
 * with the API's code; a decision that needs an MFA step-up opens the portal's step-up page
 * (the API says where), since only a portal session can carry one. Emergency access instead
 * signs the extension in again with a step-up (its token then carries it, as the CLI's does after
 * `jitgate login --step-up`) and sends the same request once that sign-in completes.
 */
import type { BrowserApi } from '../shared/browser.js';
import {
  failure,
  type BreakGlassOutcome,
  type PageCommand,
  type Reply,
} from '../shared/messages.js';
import { OPEN_PATH } from '../shared/credential-policy.js';
import { KEYS, type PendingBreakGlass } from '../shared/state.js';
import type { Auth } from './auth.background.js';
import type { Carrier } from './carry.background.js';
import { ApiError, type JitgateClient } from './client.background.js';
import type { EventStream } from './events.background.js';
import type { Store } from './store.background.js';
import type { Sync } from './sync.background.js';

export interface ActionDeps {
  browser: Pick<BrowserApi, 'openTab'>;
  store: Store;
  client: JitgateClient;
  auth: Auth;
  sync: Sync;
  carrier: Carrier;
  stream: EventStream;
}

/** A step-up sign-in left unfinished this long forgets the emergency access it was for. */
const BREAK_GLASS_PENDING_MS = 10 * 60_000;

/** An error as a reply; a step-up answer also opens the portal where it is done. */
export async function asFailure(error: unknown, deps: ActionDeps): Promise<Reply> {
  if (!(error instanceof ApiError)) return failure('jitgate could not be reached', 'unreachable');
  if (error.code === 'mfa_required' && error.stepUpUrl) {
    const session = await deps.store.signedIn();
    if (session) await deps.browser.openTab(new URL(error.stepUpUrl, session.origin).href);
  }
  return {
    ok: false,
    error: error.message,
    code: error.code,
    ...(error.stepUpUrl ? { stepUpUrl: error.stepUpUrl } : {}),
  };
}

export function pageActions(deps: ActionDeps) {
  const { client, sync } = deps;
  const refreshed = async (): Promise<Reply> => {
    await sync.refresh();
    return { ok: true };
  };

  async function run(command: PageCommand): Promise<Reply> {
    switch (command.command) {
      case 'keepalive':
        deps.stream.ensure();
        return { ok: true };
      case 'state.refresh':
        deps.stream.ensure();
        return refreshed();
      case 'auth.begin':
        return { ok: true, ...(await deps.auth.begin(command.jitgateUrl)) };
      case 'auth.complete': {
        const signedIn = await deps.auth.complete(command.code, command.state);
        deps.stream.ensure();
        const emergency = await resumeBreakGlass();
        await sync.refresh();
        return { ok: true, ...signedIn, ...(emergency ? { breakGlass: emergency } : {}) };
      }
      case 'auth.signOut':
        deps.stream.stop();
        await deps.auth.signOut(true);
        return { ok: true };
      case 'access.request':
        await client.call('POST', '/requests', {
          resource: command.resource,
          duration: command.duration,
          ...(command.reason ? { reason: command.reason } : {}),
          ...(command.ticket ? { ticket: command.ticket } : {}),
        });
        return refreshed();
      case 'access.breakGlass': {
        const { resource, incident, reason, duration } = command;
        const pending = { resource, incident, reason, duration, startedAt: Date.now() };
        try {
          await breakGlass(pending);
        } catch (error) {
          if (!(error instanceof ApiError) || error.code !== 'mfa_required') throw error;
          // The server's decision stands; only the fresh step-up is missing.
          await deps.store.setPending(KEYS.pendingBreakGlass, pending);
          const session = await deps.store.signedIn();
          if (!session) throw error;
          await deps.auth.begin(session.origin, true);
          return failure(
            'Confirm with MFA in the tab that opened: your emergency access is then asked again.',
            'step_up_started',
          );
        }
        return refreshed();
      }
      case 'access.release':
        // The rule goes first: the app must not see the credential once the person said stop.
        await deps.carrier.drop(command.grant);
        await client.call('POST', `/grants/${command.grant}/release`, {});
        return refreshed();
      case 'access.open':
        return open(command.resource);
      case 'approval.decide':
        await client.call('POST', `/requests/${command.request}/${command.decision}`, {
          ...(command.comment ? { comment: command.comment } : {}),
        });
        return refreshed();
    }
  }

  function breakGlass(pending: PendingBreakGlass): Promise<unknown> {
    return client.call('POST', '/break-glass', {
      resource: pending.resource,
      duration: pending.duration,
      incident: pending.incident,
      reason: pending.reason,
    });
  }

  /**
   * After a step-up sign-in: the emergency access it was for, asked once more (and once only).
   * Says how it went, in the server's words, for the callback page to show.
   */
  async function resumeBreakGlass(): Promise<BreakGlassOutcome | undefined> {
    const pending = await deps.store.pending(KEYS.pendingBreakGlass);
    await deps.store.setPending(KEYS.pendingBreakGlass, undefined);
    if (!pending || Date.now() - pending.startedAt > BREAK_GLASS_PENDING_MS) return undefined;
    try {
      await breakGlass(pending);
      return { resource: pending.resource, ok: true, message: 'emergency access granted' };
    } catch (error) {
      const message = error instanceof Error ? error.message : 'jitgate could not be reached';
      return { resource: pending.resource, ok: false, message };
    }
  }

  /**
   * Opens an app through its own open page when its credential is carried: the page continues to
   * the app once the rule covers its tab (content-actions `content.open`). An app the extension
   * may not reach carries nothing and has no app script to continue: it opens at its home page,
   * where the cookie decides (usually a sign-in).
   */
  async function open(resource: string): Promise<Reply> {
    const snapshot = (await sync.refresh()) ?? (await deps.store.snapshot());
    const view = snapshot?.resources.find((r) => r.id === resource);
    if (!view?.origin || view.state !== 'active')
      return failure(`no live access to ${resource}`, 'no_grant');
    const carried = Object.values(await deps.store.carried()).some((c) => c.origin === view.origin);
    await deps.browser.openTab(`${view.origin}${carried ? OPEN_PATH : '/'}`);
    return { ok: true };
  }

  return (command: PageCommand): Promise<Reply> =>
    run(command).catch((error: unknown) => asFailure(error, deps));
}
