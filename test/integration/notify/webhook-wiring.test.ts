/**
 * Webhooks end to end inside the proxy's wiring: the config's secret comes from the environment,
 * an access event becomes a signed message at a real receiver, and a missing secret variable
 * stops start-up with its path.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { AccessEvents } from '../../../proxy/access/events.js';
import { parseConfig } from '../../../proxy/config/load.js';
import { verifySignature } from '../../../proxy/notify/webhook-message.js';
import { wireWebhooks } from '../../../proxy/server/webhook-wiring.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';
import { waitFor } from '../../support/wire.js';
import { personRecord } from '../../support/person.js';

const yaml = (url: string) => `
identityProviders:
  - id: corp
    issuer: https://idp.example.com
    clientId: jitgate
notifications:
  webhooks:
    - id: chatops
      url: ${url}
      secretEnv: JITGATE_TEST_HOOK_SECRET
      events: [request.created, grant.started]
`;

void describe('webhooks from config', () => {
  let store: Store;
  let receiver: http.Server;
  let url = '';
  const received: { body: string; signature: string }[] = [];

  before(async () => {
    store = openSqliteStore(':memory:');
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-jitgate-signature']) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  });

  after(async () => {
    receiver.close();
    await store.close();
  });

  void it('stops start-up when the secret variable is missing, naming its path', () => {
    assert.throws(
      () => parseConfig(yaml(url), 'jitgate.yaml', {}),
      /notifications\.webhooks\[0\]\.secretEnv \(line \d+\): names an environment variable that is not set/,
    );
  });

  void it('delivers a signed message for an access event', async () => {
    const secret = 'a-webhook-secret-from-the-environment';
    const config = parseConfig(yaml(url), 'jitgate.yaml', { JITGATE_TEST_HOOK_SECRET: secret });
    assert.equal(config.notifications.webhooks[0]?.secret, secret);
    await store.users.upsert(personRecord('corp:alice', 0));
    const events = new AccessEvents();
    const hooks = wireWebhooks({
      webhooks: config.notifications.webhooks,
      events,
      store,
      log: silentLogger,
      now: Date.now,
    });
    const now = Date.now();
    events.emit({
      type: 'grant.started',
      grant: {
        id: 'grt_hook',
        userId: 'corp:alice',
        resourceId: 'payroll',
        startsAt: now,
        endsAt: now + 60_000,
        reason: null,
        createdBy: 'bob',
        createdAt: now,
        revokedAt: null,
        revokedBy: null,
      },
    });
    events.emit({
      type: 'grant.ended',
      grant: {
        id: 'grt_hook',
        userId: 'corp:alice',
        resourceId: 'payroll',
        startsAt: now,
        endsAt: now,
        reason: null,
        createdBy: 'bob',
        createdAt: now,
        revokedAt: now,
        revokedBy: 'bob',
      },
      end: 'revoked',
    });
    await waitFor(() => received.length >= 1, 3000, 'the webhook delivery');
    const [first] = received;
    assert.ok(first);
    const json = JSON.parse(first.body) as { type: string; text: string };
    assert.equal(json.type, 'grant.started');
    assert.match(json.text, /^alice \(via corp\) has access to payroll until /);
    assert.ok(verifySignature(secret, first.body, first.signature, Math.floor(Date.now() / 1000)));
    await hooks.stop();
    assert.equal(received.length, 1, 'grant.ended is not among the subscribed events');
  });

  void it("names a vendor as one, whatever username the vendor's IdP sent", async () => {
    const config = parseConfig(yaml(url), 'jitgate.yaml', { JITGATE_TEST_HOOK_SECRET: 's' });
    // A vendor IdP that sends staff alice's username.
    await store.users.upsert(personRecord('vendors:vic', 0, { username: 'alice', kind: 'vendor' }));
    const events = new AccessEvents();
    const hooks = wireWebhooks({
      webhooks: config.notifications.webhooks,
      events,
      store,
      log: silentLogger,
      now: Date.now,
    });
    const before = received.length;
    const now = Date.now();
    events.emit({
      type: 'grant.started',
      grant: {
        id: 'grt_vendor',
        userId: 'vendors:vic',
        resourceId: 'payroll',
        startsAt: now,
        endsAt: now + 60_000,
        reason: null,
        createdBy: 'bob',
        createdAt: now,
        revokedAt: null,
        revokedBy: null,
      },
    });
    await waitFor(() => received.length > before, 3000, 'the webhook delivery');
    const json = JSON.parse(received.at(-1)?.body ?? '{}') as { text: string };
    assert.match(json.text, /^alice \(vendor via vendors\) has access to payroll until /);
    await hooks.stop();
  });
});
