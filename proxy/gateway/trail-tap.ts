/**
 * Where the gateway meets the trail: builds one TrailRecord per forwarded exchange and WebSocket
 * and hands it to the trail writer's O(1) push. A short exchange's row is built once it is over,
 * so nothing here delays an answer. Long ones are written as they go, so that a crash cannot
 * lose them: a WebSocket when the app accepts it, an HTTP exchange once it has run for
 * LONG_EXCHANGE_MS (`sweep` finds those), each written again when it ends (the end replaces the
 * open row, by key). Never records headers beyond the user agent: no cookies, no authorization.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BodyCapture,
  redactBody,
  redactionSet,
  redactPath,
  redactQuery,
  type FrameCounter,
  type TrailEnd,
  type TrailRecord,
} from '../../recorder/trail/index.js';
import { InFlight } from '../shared/in-flight.js';
import type { GrantRecord } from '../store/types.js';
import type { TrailWrite } from '../trail/trail-repository.js';
import type { AppRoute } from './app-routes.js';
import { bytesOut, type ExchangeBytes } from './exchange-bytes.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_PATH = 2048;
const MAX_QUERY = 2048;
const MAX_USER_AGENT = 512;
/**
 * An HTTP exchange open this long gets its row while still open; `sweep` runs as often. With the
 * writer's second, an exchange is in the store at most about two seconds after it began.
 */
export const LONG_EXCHANGE_MS = 500;

/** What a route's trail settings become once, instead of on every request. */
interface RouteTrail {
  query: ReadonlySet<string>;
  fields: ReadonlySet<string>;
  upstream: string;
}

export interface WebSocketCounts {
  clientToApp: FrameCounter;
  appToClient: FrameCounter;
}

/** An HTTP exchange under way; `seq` is set once its open row was written. */
export interface TrailExchange {
  route: AppRoute;
  req: IncomingMessage;
  res: ServerResponse;
  grant: GrantRecord;
  time: number;
  bytes: ExchangeBytes;
  seq: number;
  /** Where `running` holds it. */
  slot: number;
}

const ms = (seconds: number) => Math.round(seconds * 1e6) / 1e3;

/**
 * @param push the trail writer's queue
 * @param instance this process's id: the key of the open rows it writes
 */
export function createTrailTap(push: (record: TrailWrite) => void, instance: string) {
  const routes = new Map<string, RouteTrail>();
  /** HTTP exchanges under way. */
  const running = new InFlight<TrailExchange>();
  let lastSeq = 0;
  const routeTrail = (route: AppRoute): RouteTrail => {
    let trail = routes.get(route.resource.id);
    if (!trail) {
      trail = {
        query: redactionSet(route.resource.trail.redactQuery),
        fields: redactionSet(route.resource.trail.redactFields),
        upstream: route.upstream.origin + route.upstream.basePath,
      };
      routes.set(route.resource.id, trail);
    }
    return trail;
  };

  /** The client as the trail names it: the socket's peer, or behind a trusted proxy the peer it saw. */
  const clientAddress = (route: AppRoute, req: IncomingMessage) => {
    const forwarded = route.rules.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    if (typeof forwarded === 'string' && forwarded.trim() !== '')
      return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim();
    return req.socket.remoteAddress ?? '';
  };

  /** The fields every row has; the record literal is built in one go (one allocation). */
  function record(
    route: AppRoute,
    req: IncomingMessage,
    grant: GrantRecord,
    time: number,
    kind: TrailRecord['kind'],
  ): TrailWrite {
    const trail = routeTrail(route);
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    return {
      time,
      grantId: grant.id,
      userId: grant.userId,
      resourceId: route.resource.id,
      kind,
      method: req.method ?? 'GET',
      path: redactPath(mark === -1 ? url : url.slice(0, mark), trail.query).slice(0, MAX_PATH),
      query: mark === -1 ? '' : redactQuery(url.slice(mark + 1), trail.query).slice(0, MAX_QUERY),
      status: 0,
      bytesIn: 0,
      bytesOut: 0,
      durationMs: 0,
      upstream: trail.upstream,
      clientAddress: clientAddress(route, req),
      userAgent: (req.headers['user-agent'] ?? '').slice(0, MAX_USER_AGENT),
      wsMessagesIn: 0,
      wsMessagesOut: 0,
      ended: 'complete',
    };
  }

  /** The row of an exchange still under way, keyed so that its end replaces it. */
  function openRow(exchange: TrailExchange, now: number): TrailWrite {
    const { route, req, grant, time, bytes, res } = exchange;
    const row = record(route, req, grant, time, 'http');
    row.status = bytes.status;
    row.bytesIn = bytes.in;
    row.bytesOut = bytesOut(bytes, res);
    row.durationMs = Math.max(0, now - time);
    row.ended = 'open';
    row.open = { instance, seq: exchange.seq };
    return row;
  }

  return {
    /** A capture of the request body, only when the resource opted in and the method mutates. */
    capture(route: AppRoute, req: IncomingMessage): BodyCapture | undefined {
      const trail = route.resource.trail;
      if (!trail.storeBodies || !MUTATING.has(req.method ?? '')) return undefined;
      return new BodyCapture(trail.maxBodyBytes);
    },

    /** An HTTP exchange begins; `bytes` is what forward() keeps current as it goes. */
    begin(
      route: AppRoute,
      req: IncomingMessage,
      res: ServerResponse,
      grant: GrantRecord,
      time: number,
      bytes: ExchangeBytes,
    ): TrailExchange {
      const exchange = { route, req, res, grant, time, bytes, seq: 0, slot: 0 };
      exchange.slot = running.add(exchange);
      return exchange;
    },

    /** The exchange is over: its row (which replaces its open row, if it had one). */
    http(
      exchange: TrailExchange,
      seconds: number,
      status: number,
      bytesIn: number,
      bytesOut: number,
      ended: TrailEnd,
      capture: BodyCapture | undefined,
    ): void {
      running.remove(exchange.slot, exchange);
      const { route, req } = exchange;
      const row = record(route, req, exchange.grant, exchange.time, 'http');
      row.status = status;
      row.bytesIn = bytesIn;
      row.bytesOut = bytesOut;
      row.durationMs = ms(seconds);
      row.ended = ended;
      if (exchange.seq !== 0) row.open = { instance, seq: exchange.seq };
      if (capture && capture.size > 0) {
        const input = {
          contentType: req.headers['content-type'] ?? '',
          contentEncoding: req.headers['content-encoding'],
          kept: capture.kept(),
          size: capture.size,
        };
        row.body = redactBody(input, routeTrail(route).fields);
      }
      push(row);
    },

    /** Writes the open row of every exchange running for LONG_EXCHANGE_MS that has none yet. */
    sweep(now: number): void {
      for (const exchange of running) {
        if (exchange.seq !== 0 || now - exchange.time < LONG_EXCHANGE_MS) continue;
        exchange.seq = ++lastSeq;
        push(openRow(exchange, now));
      }
    },

    /** HTTP exchanges under way (metrics, tests). */
    get running(): number {
      return running.size;
    },

    /**
     * Call when a WebSocket upgrade is admitted, before its headers are rewritten for the
     * upstream. `opened` writes its open row once the app accepted it; `end` writes its row
     * once it is over (replacing the open row).
     */
    websocket(route: AppRoute, req: IncomingMessage, grant: GrantRecord, time: number) {
      const row = record(route, req, grant, time, 'websocket');
      return {
        opened(now: number) {
          row.status = 101;
          row.ended = 'open';
          row.durationMs = Math.max(0, now - time);
          row.open = { instance, seq: ++lastSeq };
          push({ ...row });
        },
        end(seconds: number, status: number, counts: WebSocketCounts | undefined, cut: boolean) {
          row.status = status;
          row.durationMs = ms(seconds);
          row.bytesIn = counts?.clientToApp.bytes ?? 0;
          row.bytesOut = counts?.appToClient.bytes ?? 0;
          row.wsMessagesIn = counts?.clientToApp.messages ?? 0;
          row.wsMessagesOut = counts?.appToClient.messages ?? 0;
          row.ended = cut ? 'cut' : 'complete';
          push(row);
        },
      };
    },
  };
}

export type TrailTap = ReturnType<typeof createTrailTap>;
