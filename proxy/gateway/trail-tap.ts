/**
 * Where the gateway meets the trail: builds one TrailRecord per forwarded exchange and WebSocket
 * and hands it to the trail writer's O(1) push. Runs after the exchange is over, so nothing here
 * delays an answer. Never records headers beyond the user agent: no cookies, no authorization.
 */
import type { IncomingMessage } from 'node:http';
import {
  BodyCapture,
  redactBody,
  redactionSet,
  redactQuery,
  type FrameCounter,
  type TrailRecord,
} from '../../recorder/trail/index.js';
import type { GrantRecord } from '../store/types.js';
import type { AppRoute } from './app-routes.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_PATH = 2048;
const MAX_QUERY = 2048;
const MAX_USER_AGENT = 512;

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

const ms = (seconds: number) => Math.round(seconds * 1e6) / 1e3;

export function createTrailTap(push: (record: TrailRecord) => void) {
  const routes = new Map<string, RouteTrail>();
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
  ): TrailRecord {
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
      path: (mark === -1 ? url : url.slice(0, mark)).slice(0, MAX_PATH),
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
    };
  }

  return {
    /** A capture of the request body, only when the resource opted in and the method mutates. */
    capture(route: AppRoute, req: IncomingMessage): BodyCapture | undefined {
      const trail = route.resource.trail;
      if (!trail.storeBodies || !MUTATING.has(req.method ?? '')) return undefined;
      return new BodyCapture(trail.maxBodyBytes);
    },

    http(
      route: AppRoute,
      req: IncomingMessage,
      grant: GrantRecord,
      time: number,
      seconds: number,
      status: number,
      bytesIn: number,
      bytesOut: number,
      capture: BodyCapture | undefined,
    ): void {
      const row = record(route, req, grant, time, 'http');
      row.status = status;
      row.bytesIn = bytesIn;
      row.bytesOut = bytesOut;
      row.durationMs = ms(seconds);
      if (capture && capture.size > 0) {
        const input = {
          contentType: req.headers['content-type'] ?? '',
          kept: capture.kept(),
          size: capture.size,
        };
        row.body = redactBody(input, routeTrail(route).fields);
      }
      push(row);
    },

    /**
     * Call when a WebSocket upgrade is admitted, before its headers are rewritten for the
     * upstream; the returned function records the socket once it is over (one row per socket).
     */
    websocket(route: AppRoute, req: IncomingMessage, grant: GrantRecord, time: number) {
      const row = record(route, req, grant, time, 'websocket');
      return (seconds: number, status: number, counts: WebSocketCounts | undefined) => {
        row.status = status;
        row.durationMs = ms(seconds);
        row.bytesIn = counts?.clientToApp.bytes ?? 0;
        row.bytesOut = counts?.appToClient.bytes ?? 0;
        row.wsMessagesIn = counts?.clientToApp.messages ?? 0;
        row.wsMessagesOut = counts?.appToClient.messages ?? 0;
        push(row);
      };
    },
  };
}

export type TrailTap = ReturnType<typeof createTrailTap>;
