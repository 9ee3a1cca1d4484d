// What operators scrape from the gateway: /metrics counts every decision in Prometheus format
// (requests and WebSocket upgrades alike, with the process's own series) and the public JWKS
// holds the one assertion-signing key, without its private part.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { aliceOnPayroll, APP_COOKIE } from '../../support/app-behind-demo.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type Reply } from '../../support/http-client.js';
import { appWebSocket } from '../../support/wire.js';

let demo: TestDemo;
let appCookie: string;

before(async () => {
  demo = await startTestDemo();
  ({ appCookie } = await aliceOnPayroll(demo));
});
after(() => demo.stop());

function payroll(path: string, headers: Record<string, string>): Promise<Reply> {
  return rawRequest(`${demo.payrollOrigin}${path}`, {
    headers: { accept: 'application/json', 'sec-fetch-mode': 'cors', ...headers },
  });
}

const withCookie = (value: string) => ({ cookie: `${APP_COOKIE}=${value}` });

void describe('what operators scrape', () => {
  async function counter(decision: string): Promise<number> {
    const reply = await rawRequest(`${demo.url}/metrics`);
    const line = new RegExp(
      `^jitgate_gateway_requests_total\\{resource="payroll",decision="${decision}"\\} (\\d+)$`,
      'm',
    ).exec(reply.body);
    return Number(line?.[1] ?? 0);
  }

  void it('exposes gateway decisions in Prometheus format', async () => {
    const counted = {
      allowed: await counter('allowed'),
      unauthenticated: await counter('unauthenticated'),
      no_grant: await counter('no_grant'),
    };
    assert.equal((await payroll('/headers', withCookie(appCookie))).status, 200);
    assert.equal((await payroll('/headers', {})).status, 401);
    const bob = await demo.login('bob');
    const refused = await bob.navigate(`${demo.payrollOrigin}/`);
    assert.equal(refused.status, 403);

    const reply = await rawRequest(`${demo.url}/metrics`);
    assert.equal(reply.status, 200);
    assert.match(reply.headers['content-type'] ?? '', /^text\/plain/);
    assert.match(reply.body, /^# TYPE jitgate_gateway_requests_total counter$/m);
    // The process's own series come with the gateway's (runtime-metrics.ts).
    assert.match(reply.body, /^# TYPE jitgate_gc_seconds_total counter$/m);
    assert.match(reply.body, /^jitgate_resident_memory_bytes [1-9]\d*$/m);
    assert.equal(await counter('allowed'), counted.allowed + 1);
    // bob's navigation is unauthenticated once (before the handoff), then no_grant.
    assert.equal(await counter('unauthenticated'), counted.unauthenticated + 2);
    assert.equal(await counter('no_grant'), counted.no_grant + 1);
    assert.match(reply.body, /^jitgate_live_grants 1$/m);
  });

  void it('counts WebSocket upgrades, allowed and refused, like requests', async () => {
    const counted = {
      allowed: await counter('allowed'),
      unauthenticated: await counter('unauthenticated'),
      foreign_origin: await counter('foreign_origin'),
    };
    const open = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      ...withCookie(appCookie),
      origin: demo.payrollOrigin,
    });
    assert.equal(await open.outcome, 'open');
    open.ws.close();
    const anonymous = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      origin: demo.payrollOrigin,
    });
    assert.equal(await anonymous.outcome, 401);
    const foreign = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      ...withCookie(appCookie),
      origin: 'http://evil.example',
    });
    assert.equal(await foreign.outcome, 403);
    assert.equal(await counter('allowed'), counted.allowed + 1);
    assert.equal(await counter('unauthenticated'), counted.unauthenticated + 1);
    assert.equal(await counter('foreign_origin'), counted.foreign_origin + 1);
  });

  void it('publishes one EC P-256 public key, without its private part', async () => {
    const reply = await rawRequest(`${demo.url}/.well-known/jwks.json`);
    assert.equal(reply.status, 200);
    assert.match(reply.headers['content-type'] ?? '', /^application\/json/);
    const { keys } = JSON.parse(reply.body) as { keys: Record<string, unknown>[] };
    assert.equal(keys.length, 1);
    const [key] = keys;
    assert.equal(key?.kty, 'EC');
    assert.equal(key?.crv, 'P-256');
    assert.equal(key?.alg, 'ES256');
    assert.equal(key?.use, 'sig');
    assert.equal(typeof key?.kid, 'string');
    assert.equal(typeof key?.x, 'string');
    assert.equal(typeof key?.y, 'string');
    assert.equal(key?.d, undefined, 'no private key material');
    assert.deepEqual(Object.keys(key ?? {}).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
});
