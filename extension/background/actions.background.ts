/**
 * What the popup, options and callback pages ask the worker to do. Errors come back as words
 * with the API's code; a decision that needs an MFA step-up opens the portal's step-up page
 * (the API says where), since only a portal session can carry one.
 */
import type { BrowserApi } from '../shared/browser.js';
import { failure, type PageCommand, type Reply } from '../shared/messages.js';
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
        await sync.refresh();
        return { ok: true, ...signedIn };
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

  /** Opens an app through its own `/.jitgate/open` page, with the credential rule in place. */
  async function open(resource: string): Promise<Reply> {
    const snapshot = (await sync.refresh()) ?? (await deps.store.snapshot());
    const view = snapshot?.resources.find((r) => r.id === resource);
    if (!view?.origin || view.state !== 'active')
      return failure(`no live access to ${resource}`, 'no_grant');
    await deps.browser.openTab(`${view.origin}/.jitgate/open`);
    // The new tab joins the rule now, before the open page's refresh asks for the app.
    await deps.carrier.retarget();
    return { ok: true };
  }

  return (command: PageCommand): Promise<Reply> =>
    run(command).catch((error: unknown) => asFailure(error, deps));
}
