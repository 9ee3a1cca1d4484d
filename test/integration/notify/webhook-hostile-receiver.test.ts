/**
 * A receiver that answers its headers and then never finishes its body (a trickle of bytes, each
 * inside the idle timeout) must not hold the outbox: the attempt is cut at the deadline, counted
 * as failed and retried, and deliveries to other receivers go on.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { WebhookOutbox } from '../../../proxy/notify/webhook-outbox.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';

void describe('webhook outbox against a receiver that never finishes', () => {
  let store: Store;
  let server: http.Server;
  let base = '';
  let trickleClosed: Promise<void>;

  before(async () => {
    store = openSqliteStore(':memory:');
    let closed: () => void = () => undefined;
    trickleClosed = new Promise((resolve) => (closed = resolve));
    server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      if (req.url !== '/trickle') return void res.end('ok');
      const drip = setInterval(() => res.write('.'), 20);
      res.on('close', () => {
        clearInterval(drip);
        closed();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await store.close();
  });

  void it('cuts the attempt at its deadline, retries it later, and delivers the rest', async () => {
    const now = 1_800_000_000_000;
    const outbox = new WebhookOutbox({
      deliveries: store.deliveries,
      targets: [
        { id: 'slow', url: `${base}/trickle`, secret: 's', events: ['grant.started'] },
        { id: 'fine', url: `${base}/fine`, secret: 's', events: ['grant.started'] },
      ],
      now: () => now,
      log: silentLogger,
      timeoutMs: 200,
    });
    await outbox.enqueue({ type: 'grant.started', text: 'x', data: {} });
    assert.equal(await outbox.runOnce(), 2);
    await trickleClosed;
    const rows = await store.deliveries.due(Number.MAX_SAFE_INTEGER, 10);
    assert.equal(rows.length, 1, 'only the slow one is left, to retry');
    assert.equal(rows[0]?.webhookId, 'slow');
    assert.equal(rows[0]?.attempts, 1);
    assert.ok(rows[0]?.lastError, 'the cut attempt says why');
    assert.equal(rows[0]?.deliveredAt, null);
  });
});
