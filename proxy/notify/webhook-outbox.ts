/**
 * Outgoing webhooks through a persistent outbox: each message is stored once per subscribed
 * target, then delivered by a worker that retries with exponential backoff (1 s … 5 min, 10
 * attempts), so a receiver that is down, or a proxy restart, loses nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../shared/logger.js';
import type { DeliveryRepository, WebhookDelivery } from './delivery-record.js';
import { sign, type WebhookEventType, type WebhookMessage } from './webhook-message.js';

export interface WebhookTarget {
  id: string;
  url: string;
  secret: string;
  events: readonly WebhookEventType[];
}

export type Send = (url: string, body: string, headers: Record<string, string>) => Promise<number>;

export const MAX_ATTEMPTS = 10;
const MAX_BACKOFF_MS = 300_000;
/** One attempt, from connecting to the last byte of the answer (docs/notifications.md). */
const TIMEOUT_MS = 5_000;
/** A claimed delivery is another replica's again after this (well past one send's timeouts). */
const DELIVERY_LEASE_MS = 60_000;

/**
 * undici's own timeouts bound the wait for headers and each pause in the body, not the whole: a
 * receiver that answers its headers and then trickles a byte now and then would hold the attempt
 * (and with it every delivery of this run) for days. One signal bounds the attempt as a whole.
 */
const sendWithUndici =
  (timeoutMs: number): Send =>
  async (url, body, headers) => {
    // Loaded on the first delivery: most gates send no webhooks, and undici's index is large.
    const { request } = await import('undici');
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await request(url, { method: 'POST', body, headers, signal });
    // The answer is read only to free the connection: a little of it is plenty.
    await response.body.dump({ limit: 64 * 1024, signal });
    return response.statusCode;
  };

export class WebhookOutbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly send: Send;

  constructor(
    private readonly deps: {
      deliveries: DeliveryRepository;
      targets: readonly WebhookTarget[];
      now: () => number;
      log: Logger;
      send?: Send;
      /** The deadline of one attempt (tests shorten it). */
      timeoutMs?: number;
    },
  ) {
    this.send = deps.send ?? sendWithUndici(deps.timeoutMs ?? TIMEOUT_MS);
  }

  async enqueue(message: WebhookMessage): Promise<number> {
    const now = this.deps.now();
    const targets = this.deps.targets.filter((t) => t.events.includes(message.type));
    for (const target of targets) {
      const id = `whd_${randomBytes(12).toString('base64url')}`;
      const body = JSON.stringify({
        id,
        type: message.type,
        time: new Date(now).toISOString(),
        text: message.text,
        data: message.data,
      });
      await this.deps.deliveries.insert({
        id,
        webhookId: target.id,
        type: message.type,
        body,
        createdAt: now,
        attempts: 0,
        nextAttemptAt: now,
        deliveredAt: null,
        failedAt: null,
        lastError: null,
      });
    }
    if (targets.length > 0) this.kick();
    return targets.length;
  }

  /**
   * One attempt now to each subscribed target, stored nowhere: for what must go out while the
   * store cannot take the outbox row (an alert that the store refuses writes). Resolves how many
   * receivers answered 2xx; failures are logged, not retried.
   */
  async sendNow(message: WebhookMessage): Promise<number> {
    const now = this.deps.now();
    const targets = this.deps.targets.filter((t) => t.events.includes(message.type));
    const sent = await Promise.all(
      targets.map(async (target) => {
        const id = `whd_${randomBytes(12).toString('base64url')}`;
        const body = JSON.stringify({
          id,
          type: message.type,
          time: new Date(now).toISOString(),
          text: message.text,
          data: message.data,
        });
        try {
          const status = await this.send(target.url, body, {
            'content-type': 'application/json',
            'user-agent': 'jitgate-webhooks',
            'x-jitgate-event': message.type,
            'x-jitgate-delivery': id,
            'x-jitgate-signature': sign(target.secret, body, Math.floor(now / 1000)),
          });
          if (status >= 200 && status < 300) return 1;
          this.deps.log.error('webhook not delivered', { webhook: target.id, status });
        } catch (error) {
          this.deps.log.error('webhook not delivered', { webhook: target.id, error });
        }
        return 0;
      }),
    );
    return sent.reduce<number>((a, b) => a + b, 0);
  }

  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Delivers what is due now; one run at a time. Returns how many were attempted. */
  runOnce(): Promise<number> {
    this.running ??= this.deliverDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private kick() {
    this.runOnce().catch((error: unknown) =>
      this.deps.log.error('webhook outbox failed', { error: error as Error }),
    );
  }

  private async deliverDue(): Promise<number> {
    // Claimed, not just read: with several replicas each delivery goes out from one of them.
    const now = this.deps.now();
    const due = await this.deps.deliveries.claimDue(now, 50, now + DELIVERY_LEASE_MS);
    await Promise.all(due.map((delivery) => this.attempt(delivery)));
    return due.length;
  }

  private async attempt(delivery: WebhookDelivery) {
    const target = this.deps.targets.find((t) => t.id === delivery.webhookId);
    const now = this.deps.now();
    if (!target) {
      await this.deps.deliveries.update({
        ...delivery,
        failedAt: now,
        lastError: 'webhook no longer configured',
      });
      return;
    }
    let error: string | null = null;
    try {
      const status = await this.send(target.url, delivery.body, {
        'content-type': 'application/json',
        'user-agent': 'jitgate-webhooks',
        'x-jitgate-event': delivery.type,
        'x-jitgate-delivery': delivery.id,
        'x-jitgate-signature': sign(target.secret, delivery.body, Math.floor(now / 1000)),
      });
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : 'send failed';
    }
    const attempts = delivery.attempts + 1;
    if (error === null) {
      await this.deps.deliveries.update({
        ...delivery,
        attempts,
        deliveredAt: this.deps.now(),
        lastError: null,
      });
      return;
    }
    const giveUp = attempts >= MAX_ATTEMPTS;
    const backoff = Math.min(1000 * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    await this.deps.deliveries.update({
      ...delivery,
      attempts,
      lastError: error,
      nextAttemptAt: now + backoff,
      failedAt: giveUp ? now : null,
    });
    const fields = { webhook: target.id, delivery: delivery.id, attempts, error };
    if (giveUp) this.deps.log.error('webhook delivery abandoned', fields);
    else this.deps.log.warn('webhook delivery failed; will retry', fields);
  }
}
