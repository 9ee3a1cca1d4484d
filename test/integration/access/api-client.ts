/**
 * Talking to the jitgate API as the portal's scripts and the CLI do: JSON calls with a browser's
 * cookie and the portal Origin, or with a bearer token, and a Server-Sent Events reader on
 * node:http that collects events and waits for the one a test expects.
 */
import http from 'node:http';
import { rawRequest, type Reply, type TestBrowser } from '../../support/http-client.js';

export interface ApiReply extends Reply {
  json: Record<string, unknown> & { error?: { code?: string; reasons?: string[] } };
}

const parsed = (reply: Reply): ApiReply => {
  let json: ApiReply['json'] = {};
  try {
    json = JSON.parse(reply.body) as ApiReply['json'];
  } catch {
    // not JSON: the assertions on status say what went wrong
  }
  return { ...reply, json };
};

/** Content-Length too: node:http sends a DELETE body without one, which is malformed. */
const jsonHeaders = (body: unknown): Record<string, string> =>
  body === undefined
    ? {}
    : {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(JSON.stringify(body))),
      };

/** A call from the portal page of `browser`: its cookie, the portal's Origin, a JSON body. */
export async function call(
  browser: TestBrowser,
  portal: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiReply> {
  const all: Record<string, string> = {
    accept: 'application/json',
    'sec-fetch-mode': 'cors',
    origin: portal,
    ...jsonHeaders(body),
    ...headers,
  };
  const reply = await browser.request(`${portal}${path}`, {
    method,
    // An empty value in `headers` means: do not send that header at all.
    headers: Object.fromEntries(Object.entries(all).filter(([, value]) => value !== '')),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return parsed(reply);
}

/** A call with a bearer token and no cookie, as the CLI makes it. */
export async function bearerCall(
  token: string,
  portal: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiReply> {
  const reply = await rawRequest(`${portal}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${token}`,
      ...jsonHeaders(body),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return parsed(reply);
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

export class EventStream {
  readonly events: SseEvent[] = [];
  comments = 0;
  ended = false;
  private buffer = '';
  private waiters: (() => void)[] = [];

  private constructor(
    readonly status: number,
    private readonly req: http.ClientRequest,
    res: http.IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.feed(chunk));
    res.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Opens GET /api/v1/events with these headers (a cookie or an Authorization). */
  static open(portal: string, headers: Record<string, string>): Promise<EventStream> {
    const url = new URL('/api/v1/events', portal);
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname,
        headers: { host: url.host, accept: 'text/event-stream', ...headers },
        agent: false,
      });
      req.on('response', (res) => resolve(new EventStream(res.statusCode ?? 0, req, res)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Waits for the first event of `type` (after `since` events) that `match` accepts. */
  async next(
    type: string,
    match: (data: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 3000,
    since = 0,
  ): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(since).find((e) => e.event === type && match(e.data));
      if (found) return found;
      if (this.ended) throw new Error(`stream ended before a ${type} event`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server has ended the stream. */
  async closed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error(`the stream stayed open for ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.req.destroy();
  }

  private feed(chunk: string) {
    this.buffer += chunk;
    let cut = this.buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments++;
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) {
        const parsedData = JSON.parse(data.join('\n')) as Record<string, unknown>;
        this.events.push({ event, data: parsedData, at: Date.now() });
      }
      cut = this.buffer.indexOf('\n\n');
    }
    this.wake();
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** The Cookie header `browser` sends to the portal. */
export function portalCookie(browser: TestBrowser): string {
  return browser.jar.header('localhost') ?? '';
}
