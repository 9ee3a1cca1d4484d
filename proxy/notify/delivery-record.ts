/** A webhook delivery in the outbox, and the repository contract for it. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  type: string;
  body: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  failedAt: number | null;
  lastError: string | null;
}

export interface DeliveryRepository {
  insert(delivery: WebhookDelivery): Promise<void>;
  /** Deliveries neither delivered nor given up whose next attempt is due. */
  due(now: number, limit: number): Promise<WebhookDelivery[]>;
  update(delivery: WebhookDelivery): Promise<void>;
  get(id: string): Promise<WebhookDelivery | undefined>;
}
