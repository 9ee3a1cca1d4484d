/** PostgreSQL implementation of the webhook outbox. */
import type { DeliveryRepository, WebhookDelivery } from '../../notify/delivery-record.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { int, optionalInt, optionalText, text } from './rows.js';

const toDelivery = (row: PgRow): WebhookDelivery => ({
  id: text(row, 'id'),
  webhookId: text(row, 'webhook_id'),
  type: text(row, 'type'),
  body: text(row, 'body'),
  createdAt: int(row, 'created_at'),
  attempts: int(row, 'attempts'),
  nextAttemptAt: int(row, 'next_attempt_at'),
  deliveredAt: optionalInt(row, 'delivered_at'),
  failedAt: optionalInt(row, 'failed_at'),
  lastError: optionalText(row, 'last_error'),
});

export function createDeliveryRepository(db: PgDatabase): DeliveryRepository {
  return {
    insert: async (d) => {
      await db.run(
        `INSERT INTO webhook_deliveries (id, webhook_id, type, body, created_at, attempts,
           next_attempt_at, delivered_at, failed_at, last_error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          d.id,
          d.webhookId,
          d.type,
          d.body,
          d.createdAt,
          d.attempts,
          d.nextAttemptAt,
          d.deliveredAt,
          d.failedAt,
          d.lastError,
        ],
      );
    },
    due: async (now, limit) =>
      (
        await db.all(
          `SELECT * FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL
             AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`,
          [now, Math.max(1, Math.min(limit, 500))],
        )
      ).map(toDelivery),
    claimDue: async (now, limit, leaseUntil) =>
      (
        await db.all(
          `UPDATE webhook_deliveries SET next_attempt_at = $3 WHERE id IN (
             SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL
               AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2
               FOR UPDATE SKIP LOCKED)
           RETURNING *`,
          [now, Math.max(1, Math.min(limit, 500)), leaseUntil],
        )
      )
        .map(toDelivery)
        .sort((x, y) => x.createdAt - y.createdAt || x.id.localeCompare(y.id)),
    update: async (d) => {
      await db.run(
        `UPDATE webhook_deliveries SET attempts = $2, next_attempt_at = $3, delivered_at = $4,
           failed_at = $5, last_error = $6 WHERE id = $1`,
        [d.id, d.attempts, d.nextAttemptAt, d.deliveredAt, d.failedAt, d.lastError],
      );
    },
    get: async (id) => {
      const row = await db.get('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
      return row ? toDelivery(row) : undefined;
    },
  };
}
