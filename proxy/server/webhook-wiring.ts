/**
 * Webhooks in the composition root: every access event that concerns receivers becomes a message
 * in the persistent outbox; the outbox worker delivers and retries.
 */
import type { AccessEvent, AccessEvents } from '../access/events.js';
import type { WebhookConfig } from '../config/schema.js';
import { messageFor, type WebhookMessage } from '../notify/webhook-message.js';
import { WebhookOutbox } from '../notify/webhook-outbox.js';
import { nameWithOrigin } from '../shared/identity-origin.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';

/** The user ids an event mentions, to name people in the message text. */
function mentioned(event: AccessEvent): string[] {
  if (event.type === 'request.created' || event.type === 'request.updated') {
    return [event.request.userId, event.request.decidedBy ?? ''].filter(Boolean);
  }
  if (event.type === 'break_glass')
    return [event.record.userId, event.record.review?.reviewerId ?? ''].filter(Boolean);
  return [event.grant.userId];
}

export interface WebhookWiring {
  outbox: WebhookOutbox;
  /** A message that must not wait: through the outbox, or sent at once when it cannot be stored. */
  alert(message: WebhookMessage): void;
  stop(): Promise<void>;
}

export function wireWebhooks(deps: {
  webhooks: readonly WebhookConfig[];
  events: AccessEvents;
  store: Store;
  log: Logger;
  now: () => number;
}): WebhookWiring {
  const targets = deps.webhooks.map((hook) => ({
    id: hook.id,
    url: hook.url,
    secret: hook.secret ?? '',
    events: hook.events,
  }));
  const outbox = new WebhookOutbox({
    deliveries: deps.store.deliveries,
    targets,
    now: deps.now,
    log: deps.log,
  });
  const alert = (message: WebhookMessage) =>
    void outbox
      .enqueue(message)
      .catch(() => outbox.sendNow(message))
      .catch((error: unknown) => deps.log.error('alert not sent', { error: error as Error }));
  if (targets.length === 0) return { outbox, alert: () => undefined, stop: async () => undefined };

  const enqueue = async (event: AccessEvent) => {
    const names = new Map<string, string>();
    for (const id of mentioned(event)) {
      const user = await deps.store.users.get(id);
      // What an IdP sent as the username, and where it comes from (a vendor's IdP sends any).
      names.set(id, user ? nameWithOrigin(user) : id);
    }
    const message = messageFor(event, (id) => names.get(id) ?? id);
    if (message) await outbox.enqueue(message);
  };
  const unsubscribe = deps.events.on((event) => {
    if (event.remote) return;
    enqueue(event).catch((error: unknown) =>
      deps.log.error('webhook not queued', { error: error as Error }),
    );
  });
  outbox.start();
  // Deliveries left over from before a restart go out now.
  void outbox.runOnce().catch(() => 0);
  return {
    outbox,
    alert,
    async stop() {
      unsubscribe();
      await outbox.stop();
    },
  };
}
