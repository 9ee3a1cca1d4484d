/**
 * What the app content script may ask, each answered only for a tab's top frame on exactly the
 * origin of the resource in question (shared/credential-policy.ts): the state of the resource a
 * 403 page names, a request for it, and the per-grant login for the app's own login form. The
 * login is fetched from the proxy when asked and handed to that frame only; it is never stored.
 */
import type { FormCredentialAnswer } from '../shared/api-types.js';
import type { MessageSender } from '../shared/browser.js';
import { isAppOpenPage, isAppTopFrame, mayFillLogin } from '../shared/credential-policy.js';
import {
  failure,
  type ContentCommand,
  type DeniedInfo,
  type LoginFill,
  type Reply,
} from '../shared/messages.js';
import type { ResourceView } from '../shared/state.js';
import { asFailure, type ActionDeps } from './actions.background.js';

const STALE_MS = 5000;

export function contentActions(
  deps: ActionDeps,
  extensionId: string,
  now: () => number = Date.now,
) {
  const resources = async (): Promise<ResourceView[]> =>
    (await deps.store.snapshot())?.resources ?? [];

  /** The resource whose app the sender is on; a 403 page may only ask about its own app. */
  async function own(sender: MessageSender, id: string): Promise<ResourceView | undefined> {
    const view = (await resources()).find((r) => r.id === id);
    return view && isAppTopFrame(sender, extensionId, view.origin) ? view : undefined;
  }

  async function denied(sender: MessageSender, id: string): Promise<Reply<{ info: DeniedInfo }>> {
    // The page polls while it waits: the event stream keeps the snapshot fresh, so the API is
    // asked again only when the snapshot is a few seconds old.
    deps.stream.ensure();
    const snapshot = await deps.store.snapshot();
    if (!snapshot || now() - snapshot.updatedAt > STALE_MS)
      await deps.sync.refresh().catch(() => undefined);
    const view = await own(sender, id);
    if (!view) return failure('not this app’s page', 'refused');
    const { name, state, requestable, requireReason, maxDurationMs } = view;
    return { ok: true, info: { name, state, requestable, requireReason, maxDurationMs } };
  }

  async function login(sender: MessageSender): Promise<Reply<LoginFill>> {
    const none: Reply<LoginFill> = { ok: true, fill: false };
    const view = (await resources()).find(
      (r) => r.state === 'active' && isAppTopFrame(sender, extensionId, r.origin),
    );
    const live = view?.endsAt != null && view.endsAt > now();
    if (!view?.grant || !mayFillLogin(sender, extensionId, { ...view, live })) return none;
    const answer = await deps.client.call<FormCredentialAnswer>(
      'POST',
      `/grants/${view.grant}/form-credential`,
      {},
    );
    // The proxy's word on origin and path must agree with ours, or nothing is filled.
    if (answer.origin !== view.origin || answer.loginPath !== view.loginPath) return none;
    return {
      ok: true,
      fill: true,
      selectors: answer.selectors,
      username: answer.username,
      password: answer.password,
    };
  }

  /**
   * The app's open page asks before it continues to the app: answered once the credential rule
   * covers its tab (the rule follows tabs as they change, one change at a time).
   */
  async function opening(sender: MessageSender): Promise<Reply> {
    const view = (await resources()).find(
      (r) => r.state === 'active' && isAppOpenPage(sender, extensionId, r.origin),
    );
    if (!view) return failure('not an app’s open page', 'refused');
    await deps.carrier.retarget();
    return { ok: true };
  }

  async function run(command: ContentCommand, sender: MessageSender): Promise<Reply> {
    switch (command.command) {
      case 'content.denied':
        return denied(sender, command.resource);
      case 'content.request': {
        if (!(await own(sender, command.resource)))
          return failure('not this app’s page', 'refused');
        await deps.client.call('POST', '/requests', {
          resource: command.resource,
          duration: command.duration,
          ...(command.reason ? { reason: command.reason } : {}),
        });
        await deps.sync.refresh();
        return { ok: true };
      }
      case 'content.login':
        return login(sender);
      case 'content.open':
        return opening(sender);
    }
  }

  return (command: ContentCommand, sender: MessageSender): Promise<Reply> =>
    run(command, sender).catch((error: unknown) => asFailure(error, deps));
}
