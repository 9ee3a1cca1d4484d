/**
 * Webhooks: messages go out signed to a real HTTP receiver, failures are retried with backoff
 * from the persistent outbox, and a delivery is abandoned after the last attempt.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { AccessRequest } from '../../../proxy/access/request-record.js';
import { MAX_ATTEMPTS, WebhookOutbox } from '../../../proxy/notify/webhook-outbox.js';
import { messageFor, verifySignature } from '../../../proxy/notify/webhook-message.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';

const SECRET = 'webhook-test-secret-0123456789';

const request: AccessRequest = {
  id: 'req_test',
  userId: 'demo:alice',
  resourceId: 'payroll',
  durationMs: 30 * 60_000,
  reason: 'month-end close',
  ticket: null,
  startAt: null,
  state: 'pending',
  policyId: 'staff-payroll',
  approvalsRequired: 1,
  policyReasons: [],
  createdAt: 1_800_000_000_000,
  expiresAt: 1_800_003_600_000,
  decidedAt: null,
  decidedBy: null,
  comment: null,
  grantId: null,
  approvals: [],
};

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

void describe('webhook outbox', () => {
  let store: Store;
  let server: http.Server;
  let url = '';
  const received: Received[] = [];
  let failNext = 0;

  before(async () => {
    store = openSqliteStore(':memory:');
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end();
          return;
        }
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });

  after(async () => {
    server.close();
    await store.close();
  });

  void it('delivers a signed message with a Slack-compatible text', async () => {
    let now = 1_800_000_000_000;
    const outbox = new WebhookOutbox({
      deliveries: store.deliveries,
      targets: [{ id: 'ops', url, secret: SECRET, events: ['request.created'] }],
      now: () => now,
      log: silentLogger,
    });
    const message = messageFor(
      { type: 'request.created', request },
      (id) => id.split(':')[1] ?? id,
    );
    assert.ok(message);
    assert.equal(await outbox.enqueue(message), 1);
    await outbox.runOnce();
    const got = received.at(-1);
    assert.ok(got);
    const json = JSON.parse(got.body) as {
      type: string;
      text: string;
      data: { request: { id: string } };
    };
    assert.equal(json.type, 'request.created');
    assert.equal(json.text, 'alice requests payroll for 30m: month-end close');
    assert.equal(json.data.request.id, 'req_test');
    assert.equal(got.headers['x-jitgate-event'], 'request.created');
    assert.ok(
      verifySignature(
        SECRET,
        got.body,
        String(got.headers['x-jitgate-signature']),
        Math.floor(now / 1000),
      ),
    );
    assert.ok(
      !verifySignature(
        'other-secret',
        got.body,
        String(got.headers['x-jitgate-signature']),
        Math.floor(now / 1000),
      ),
    );
    assert.ok(
      !verifySignature(
        SECRET,
        got.body + ' ',
        String(got.headers['x-jitgate-signature']),
        Math.floor(now / 1000),
      ),
    );
    now += 1; // keep the clock moving for the next test's outbox
  });

  void it('retries a failing receiver with backoff and delivers later', async () => {
    let now = 1_800_000_100_000;
    const outbox = new WebhookOutbox({
      deliveries: store.deliveries,
      targets: [{ id: 'ops', url, secret: SECRET, events: ['grant.started'] }],
      now: () => now,
      log: silentLogger,
    });
    const before = received.length;
    failNext = 2;
    const grant = {
      id: 'grt_x',
      userId: 'demo:alice',
      resourceId: 'payroll',
      startsAt: now,
      endsAt: now + 60_000,
      reason: null,
      createdBy: 'bob',
      createdAt: now,
      revokedAt: null,
      revokedBy: null,
    };
    const message = messageFor({ type: 'grant.started', grant }, (id) => id);
    assert.ok(message);
    await outbox.enqueue(message);
    await outbox.runOnce(); // fails (1st)
    assert.equal(received.length, before);
    assert.equal(await outbox.runOnce(), 0, 'not due before the backoff');
    now += 1000;
    await outbox.runOnce(); // fails (2nd)
    now += 2000;
    await outbox.runOnce(); // succeeds
    assert.equal(received.length, before + 1);
  });

  void it('gives up after the last attempt and keeps the delivery for inspection', async () => {
    let now = 1_800_000_200_000;
    const outbox = new WebhookOutbox({
      deliveries: store.deliveries,
      targets: [
        { id: 'dead', url: 'http://127.0.0.1:1/nope', secret: SECRET, events: ['grant.ended'] },
      ],
      now: () => now,
      log: silentLogger,
    });
    const grant = {
      id: 'grt_y',
      userId: 'demo:alice',
      resourceId: 'payroll',
      startsAt: now,
      endsAt: now,
      reason: null,
      createdBy: 'bob',
      createdAt: now,
      revokedAt: now,
      revokedBy: 'bob',
    };
    const message = messageFor({ type: 'grant.ended', grant, end: 'revoked' }, (id) => id);
    assert.ok(message);
    await outbox.enqueue(message);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await outbox.runOnce();
      now += 300_000;
    }
    assert.equal(await outbox.runOnce(), 0);
    const [delivery] = await store.deliveries.due(Number.MAX_SAFE_INTEGER, 10);
    assert.equal(delivery, undefined, 'abandoned deliveries are no longer due');
  });
});
