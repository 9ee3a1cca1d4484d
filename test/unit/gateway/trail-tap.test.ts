// What the gateway writes to the trail for one exchange: the person, grant and resource, the
// query with configured parameters redacted, no headers but the user agent, and a request body
// only when the resource opted in and the method changes something. Long exchanges (WebSockets,
// HTTP past LONG_EXCHANGE_MS) are written while open, and their end replaces that row by key.
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { FrameCounter } from '../../../recorder/trail/index.js';
import { validateConfig } from '../../../proxy/config/load.js';
import { buildRoutes, type AppRoute } from '../../../proxy/gateway/app-routes.js';
import { newExchangeBytes } from '../../../proxy/gateway/exchange-bytes.js';
import { createTrailTap, LONG_EXCHANGE_MS } from '../../../proxy/gateway/trail-tap.js';
import type { GrantRecord } from '../../../proxy/store/types.js';
import type { TrailWrite } from '../../../proxy/trail/trail-repository.js';

function routeWith(trail: object, trustProxy = false): AppRoute {
  const config = validateConfig({
    server: { trustProxy },
    identityProviders: [{ id: 'corp', issuer: 'https://idp.example.com', clientId: 'x' }],
    resources: [
      {
        id: 'payroll',
        kind: 'web',
        host: 'payroll.example.com',
        upstream: 'http://10.0.0.5:8000/app/',
        trail,
      },
    ],
  });
  const route = buildRoutes(config, 'https://access.example.com').get('payroll.example.com');
  assert.ok(route);
  return route;
}

const grant: GrantRecord = {
  id: 'grt_0123456789ab',
  userId: 'vendors:vic',
  resourceId: 'payroll',
  startsAt: 0,
  endsAt: 1,
  reason: null,
  createdBy: 'test',
  createdAt: 0,
  revokedAt: null,
  revokedBy: null,
};

function request(method: string, url: string, headers: Record<string, string> = {}) {
  return {
    method,
    url,
    headers: {
      'user-agent': 'test-agent',
      cookie: 'jitgate_session_app=secret',
      authorization: 'Bearer secret',
      ...headers,
    },
    socket: { remoteAddress: '192.0.2.10' },
  } as unknown as IncomingMessage;
}

const INSTANCE = 'ins_test000001';

function tapInto(rows: TrailWrite[]) {
  return createTrailTap((row) => rows.push(row), INSTANCE);
}

const finished = { writableFinished: true } as unknown as ServerResponse;

/** One whole exchange through the tap, as the gateway runs it. */
function exchange(
  tap: ReturnType<typeof tapInto>,
  route: AppRoute,
  req: IncomingMessage,
  time: number,
  end: { seconds: number; status: number; bytesIn: number; bytesOut: number },
  capture?: Parameters<ReturnType<typeof tapInto>['http']>[6],
) {
  const started = tap.begin(route, req, finished, grant, time, newExchangeBytes());
  tap.http(started, end.seconds, end.status, end.bytesIn, end.bytesOut, 'complete', capture);
}

void describe('trail tap', () => {
  void test('an exchange becomes one row with the redacted query and no secrets', () => {
    const rows: TrailWrite[] = [];
    const route = routeWith({ redactQuery: ['session'] });
    exchange(tapInto(rows), route, request('GET', '/a;jsessionid=j/b?x=1&Session=s&code=c'), 5, {
      seconds: 0.0125,
      status: 200,
      bytesIn: 0,
      bytesOut: 1024,
    });
    assert.deepEqual(rows, [
      {
        time: 5,
        grantId: 'grt_0123456789ab',
        userId: 'vendors:vic',
        resourceId: 'payroll',
        kind: 'http',
        method: 'GET',
        path: '/a;jsessionid=REDACTED/b',
        query: 'x=1&Session=REDACTED&code=REDACTED',
        status: 200,
        bytesIn: 0,
        bytesOut: 1024,
        durationMs: 12.5,
        upstream: 'http://10.0.0.5:8000/app',
        clientAddress: '192.0.2.10',
        userAgent: 'test-agent',
        wsMessagesIn: 0,
        wsMessagesOut: 0,
        ended: 'complete',
      },
    ]);
    assert.doesNotMatch(JSON.stringify(rows), /secret/);
  });

  void test('bodies: off by default, and never for reads', () => {
    const tap = tapInto([]);
    assert.equal(tap.capture(routeWith({}), request('POST', '/')), undefined);
    const optedIn = routeWith({ storeBodies: true });
    assert.equal(tap.capture(optedIn, request('GET', '/')), undefined);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      assert.ok(tap.capture(optedIn, request(method, '/')), method);
  });

  void test('an opted-in body is kept up to maxBodyBytes and redacted', () => {
    const rows: TrailWrite[] = [];
    const tap = tapInto(rows);
    const route = routeWith({ storeBodies: true, maxBodyBytes: 64, redactFields: ['pin'] });
    const post = request('POST', '/pay', { 'content-type': 'application/json' });
    const capture = tap.capture(route, post);
    assert.ok(capture);
    capture.push(Buffer.from('{"amount":5,"PIN":"1234",'));
    capture.push(Buffer.from('"password":"p"}'));
    const end = { seconds: 0.001, status: 201, bytesIn: capture.size, bytesOut: 2 };
    exchange(tap, route, post, 1, end, capture);
    assert.deepEqual(rows[0]?.body, {
      contentType: 'application/json',
      size: 40,
      text: '{"amount":5,"PIN":"REDACTED","password":"REDACTED"}',
    });

    const big = tap.capture(route, post);
    big?.push(Buffer.alloc(100, 0x61));
    exchange(tap, route, post, 1, { ...end, bytesIn: 100 }, big);
    assert.deepEqual(rows[1]?.body, {
      contentType: 'application/json',
      size: 100,
      text: null,
      note: 'truncated',
    });
  });

  void test('a compressed body is not kept: its bytes were never redacted', () => {
    // Apps inflate request bodies (Express's body-parser does by default); the trail sees the
    // compressed bytes, and a stored deflate block holds its text as sent.
    const rows: TrailWrite[] = [];
    const tap = tapInto(rows);
    const route = routeWith({ storeBodies: true, maxBodyBytes: 4096 });
    const post = request('POST', '/login', {
      'content-type': 'application/x-www-form-urlencoded',
      'content-encoding': 'deflate',
    });
    const capture = tap.capture(route, post);
    assert.ok(capture);
    capture.push(deflateSync('otp=123456&user=vic', { level: 0 }));
    const end = { seconds: 0.001, status: 302, bytesIn: capture.size, bytesOut: 0 };
    exchange(tap, route, post, 1, end, capture);
    assert.equal(rows[0]?.body?.text, null, JSON.stringify(rows[0]?.body));
    assert.equal(rows[0]?.body?.note, 'not_redactable');
  });

  void test('a WebSocket is written when the app accepts it, and its end replaces that row', () => {
    const rows: TrailWrite[] = [];
    const socket = tapInto(rows).websocket(routeWith({}), request('GET', '/ws?token=t'), grant, 7);
    assert.equal(rows.length, 0, 'nothing until the app accepts it');
    socket.opened(10);
    assert.deepEqual(
      [rows[0]?.status, rows[0]?.ended, rows[0]?.durationMs, rows[0]?.open],
      [101, 'open', 3, { instance: INSTANCE, seq: 1 }],
    );
    const counts = { clientToApp: new FrameCounter(), appToClient: new FrameCounter() };
    counts.clientToApp.push(Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61]));
    counts.appToClient.push(Buffer.from([0x81, 0x01, 0x61, 0x82, 0x00]));
    socket.end(2.5, 101, counts, false);
    const last = rows[1];
    assert.equal(last?.kind, 'websocket');
    assert.equal(last?.query, 'token=REDACTED');
    assert.deepEqual(last?.open, rows[0]?.open, 'the same key: it replaces the open row');
    assert.deepEqual(
      [last?.status, last?.wsMessagesIn, last?.wsMessagesOut, last?.bytesIn, last?.bytesOut],
      [101, 1, 2, 7, 5],
    );
    assert.equal(last?.durationMs, 2500);
    assert.equal(last?.ended, 'complete');
  });

  void test('a WebSocket the app refused is one row, never open', () => {
    const rows: TrailWrite[] = [];
    tapInto(rows)
      .websocket(routeWith({}), request('GET', '/ws'), grant, 7)
      .end(0.1, 502, undefined, true);
    assert.deepEqual(
      rows.map((r) => [r.status, r.ended, r.open]),
      [[502, 'cut', undefined]],
    );
  });

  void test('a long HTTP exchange gets an open row from the sweep; a short one none', () => {
    const rows: TrailWrite[] = [];
    const tap = tapInto(rows);
    const route = routeWith({});
    const bytes = newExchangeBytes();
    const res = { writableFinished: false } as unknown as ServerResponse;
    const long = tap.begin(route, request('GET', '/download'), res, grant, 1000, bytes);
    const short = tap.begin(
      route,
      request('GET', '/quick'),
      finished,
      grant,
      1200,
      newExchangeBytes(),
    );
    tap.sweep(1000 + LONG_EXCHANGE_MS - 1);
    assert.equal(rows.length, 0, 'not long yet');
    tap.http(short, 0.01, 200, 0, 5, 'complete', undefined);
    Object.assign(bytes, { status: 200, in: 0, out: 4096, outFromLength: false });
    tap.sweep(1000 + LONG_EXCHANGE_MS);
    tap.sweep(1000 + 5 * LONG_EXCHANGE_MS);
    assert.deepEqual(
      rows.map((r) => [r.path, r.status, r.bytesOut, r.durationMs, r.ended, r.open]),
      [
        ['/quick', 200, 5, 10, 'complete', undefined],
        ['/download', 200, 4096, LONG_EXCHANGE_MS, 'open', { instance: INSTANCE, seq: 1 }],
      ],
      'one open row, once',
    );
    tap.http(long, 3, 200, 0, 9000, 'cut', undefined);
    assert.deepEqual(
      [rows[2]?.path, rows[2]?.ended, rows[2]?.open],
      ['/download', 'cut', { instance: INSTANCE, seq: 1 }],
    );
    assert.equal(tap.running, 0);
  });

  void test('behind a trusted proxy the client is the address that proxy saw', () => {
    const rows: TrailWrite[] = [];
    const headers = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' };
    const end = { seconds: 0, status: 200, bytesIn: 0, bytesOut: 0 };
    exchange(tapInto(rows), routeWith({}, true), request('GET', '/', headers), 0, end);
    exchange(tapInto(rows), routeWith({}, false), request('GET', '/', headers), 0, end);
    assert.deepEqual(
      rows.map((r) => r.clientAddress),
      ['203.0.113.9', '192.0.2.10'],
    );
  });
});
