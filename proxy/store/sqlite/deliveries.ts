/** SQLite implementation of the webhook outbox. */
import type { DeliveryRepository, WebhookDelivery } from '../../notify/delivery-record.js';
import type { SqlRow, SqliteDatabase } from './database.js';
import { int, optionalInt, optionalText, text } from './rows.js';

const toDelivery = (row: SqlRow): WebhookDelivery => ({
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

export function createDeliveryRepository(db: SqliteDatabase): DeliveryRepository {
  return {
    insert: async (d) => {
      db.run(
        `INSERT INTO webhook_deliveries (id, webhook_id, type, body, created_at, attempts, next_attempt_at,
           delivered_at, failed_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      db
        .all(
          `SELECT * FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL
             AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
          [now, Math.max(1, Math.min(limit, 500))],
        )
        .map(toDelivery),
    // One writer: the UPDATE alone makes the claim exclusive.
    claimDue: async (now, limit, leaseUntil) =>
      db
        .all(
          `UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id IN (
             SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL
               AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?)
           RETURNING *`,
          [leaseUntil, now, Math.max(1, Math.min(limit, 500))],
        )
        .map(toDelivery)
        .sort((x, y) => x.createdAt - y.createdAt || x.id.localeCompare(y.id)),
    update: async (d) => {
      db.run(
        `UPDATE webhook_deliveries SET attempts = ?, next_attempt_at = ?, delivered_at = ?, failed_at = ?,
           last_error = ? WHERE id = ?`,
        [d.attempts, d.nextAttemptAt, d.deliveredAt, d.failedAt, d.lastError, d.id],
      );
    },
    get: async (id) => {
      const row = db.get('SELECT * FROM webhook_deliveries WHERE id = ?', [id]);
      return row ? toDelivery(row) : undefined;
    },
  };
}
