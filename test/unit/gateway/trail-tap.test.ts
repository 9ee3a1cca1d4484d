// What the gateway writes to the trail for one exchange: the person, grant and resource, the
// query with configured parameters redacted, no headers but the user agent, and a request body
// only when the resource opted in and the method changes something.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import type { TrailRecord } from '../../../recorder/trail/index.js';
import { FrameCounter } from '../../../recorder/trail/index.js';
import { validateConfig } from '../../../proxy/config/load.js';
import { buildRoutes, type AppRoute } from '../../../proxy/gateway/app-routes.js';
import { createTrailTap } from '../../../proxy/gateway/trail-tap.js';
import type { GrantRecord } from '../../../proxy/store/types.js';

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

function tapInto(rows: TrailRecord[]) {
  return createTrailTap((row) => rows.push(row));
}

void describe('trail tap', () => {
  void test('an exchange becomes one row with the redacted query and no secrets', () => {
    const rows: TrailRecord[] = [];
    const route = routeWith({ redactQuery: ['session'] });
    tapInto(rows).http(
      route,
      request('GET', '/a/b?x=1&Session=s&code=c'),
      grant,
      5,
      0.0125,
      200,
      0,
      1024,
      undefined,
    );
    assert.deepEqual(rows, [
      {
        time: 5,
        grantId: 'grt_0123456789ab',
        userId: 'vendors:vic',
        resourceId: 'payroll',
        kind: 'http',
        method: 'GET',
        path: '/a/b',
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
    const rows: TrailRecord[] = [];
    const tap = tapInto(rows);
    const route = routeWith({ storeBodies: true, maxBodyBytes: 64, redactFields: ['pin'] });
    const post = request('POST', '/pay', { 'content-type': 'application/json' });
    const capture = tap.capture(route, post);
    assert.ok(capture);
    capture.push(Buffer.from('{"amount":5,"PIN":"1234",'));
    capture.push(Buffer.from('"password":"p"}'));
    tap.http(route, post, grant, 1, 0.001, 201, capture.size, 2, capture);
    assert.deepEqual(rows[0]?.body, {
      contentType: 'application/json',
      size: 40,
      text: '{"amount":5,"PIN":"REDACTED","password":"REDACTED"}',
    });

    const big = tap.capture(route, post);
    big?.push(Buffer.alloc(100, 0x61));
    tap.http(route, post, grant, 1, 0.001, 201, 100, 2, big);
    assert.deepEqual(rows[1]?.body, {
      contentType: 'application/json',
      size: 100,
      text: null,
      note: 'truncated',
    });
  });

  void test('a WebSocket is one row at its end, with message counts both ways', () => {
    const rows: TrailRecord[] = [];
    const end = tapInto(rows).websocket(routeWith({}), request('GET', '/ws?token=t'), grant, 7);
    assert.equal(rows.length, 0, 'nothing until it closes');
    const counts = { clientToApp: new FrameCounter(), appToClient: new FrameCounter() };
    counts.clientToApp.push(Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61]));
    counts.appToClient.push(Buffer.from([0x81, 0x01, 0x61, 0x82, 0x00]));
    end(2.5, 101, counts);
    assert.equal(rows[0]?.kind, 'websocket');
    assert.equal(rows[0]?.query, 'token=REDACTED');
    assert.deepEqual(
      [
        rows[0]?.status,
        rows[0]?.wsMessagesIn,
        rows[0]?.wsMessagesOut,
        rows[0]?.bytesIn,
        rows[0]?.bytesOut,
      ],
      [101, 1, 2, 7, 5],
    );
    assert.equal(rows[0]?.durationMs, 2500);
  });

  void test('behind a trusted proxy the client is the address that proxy saw', () => {
    const rows: TrailRecord[] = [];
    const headers = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' };
    tapInto(rows).http(
      routeWith({}, true),
      request('GET', '/', headers),
      grant,
      0,
      0,
      200,
      0,
      0,
      undefined,
    );
    tapInto(rows).http(
      routeWith({}, false),
      request('GET', '/', headers),
      grant,
      0,
      0,
      200,
      0,
      0,
      undefined,
    );
    assert.deepEqual(
      rows.map((r) => r.clientAddress),
      ['203.0.113.9', '192.0.2.10'],
    );
  });
});
