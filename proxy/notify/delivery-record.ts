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
  /**
   * Claims up to `limit` due deliveries for one sender: each one's next attempt moves to
   * `leaseUntil` in the same statement, so no other replica claims it until then (PostgreSQL
   * skips rows another claim holds: FOR UPDATE SKIP LOCKED). A sender that dies mid-delivery
   * leaves it to be claimed again once the lease runs out. Resolves the claimed deliveries.
   */
  claimDue(now: number, limit: number, leaseUntil: number): Promise<WebhookDelivery[]>;
  update(delivery: WebhookDelivery): Promise<void>;
  get(id: string): Promise<WebhookDelivery | undefined>;
}
