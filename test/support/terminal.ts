/**
 * A terminal client for Node-side tests: opens the portal's terminal (or live view) WebSocket with
 * a bearer token or a browser's cookie, collects output and control messages, and waits for text.
 * Refused upgrades report their HTTP status and error code.
 */
import WebSocket from 'ws';
import type { TestDemo } from './demo.js';
import type { TestBrowser } from './http-client.js';

export interface ControlMessage {
  type: string;
  reason?: string;
  message?: string;
  session?: string;
  [key: string]: unknown;
}

export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`upgrade refused: ${status} ${code}`);
  }
}

export class TerminalClient {
  output = '';
  readonly messages: ControlMessage[] = [];
  readonly closed: Promise<void>;
  private listeners = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      const bytes = Buffer.isBuffer(data)
        ? data
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      const text = bytes.toString('utf8');
      if (binary) this.output += text;
      else this.messages.push(JSON.parse(text) as ControlMessage);
      for (const listener of this.listeners) listener();
    });
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  static connect(url: string, headers: Record<string, string>): Promise<TerminalClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new TerminalClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          const code = /"code":"([a-z_]+)"/.exec(body)?.[1] ?? '';
          reject(new Refused(res.statusCode ?? 0, code));
        });
      });
      ws.once('error', reject);
    });
  }

  send(text: string): void {
    this.sendBytes(Buffer.from(text));
  }

  /** One binary frame of exactly these bytes (a character may be split across frames). */
  sendBytes(bytes: Buffer): void {
    this.ws.send(bytes, { binary: true });
  }

  resize(cols: number, rows: number): void {
    this.ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  close(): void {
    this.ws.close();
  }

  /** Resolves when `check` holds, re-checked on every message; rejects after `ms`. */
  until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (!check()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for ${what}; output so far: ${JSON.stringify(this.output.slice(-500))}`,
          ),
        );
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  waitFor(text: string, ms?: number): Promise<void> {
    return this.until(() => this.output.includes(text), JSON.stringify(text), ms);
  }

  async ended(ms?: number): Promise<ControlMessage> {
    const find = () => this.messages.find((m) => m.type === 'ended');
    await this.until(() => find() !== undefined, 'the session to end', ms);
    return find() as ControlMessage;
  }
}

/** The terminal WebSocket URL of the portal at `origin`. */
export const terminalUrl = (origin: string, resource: string, query: Record<string, string> = {}) =>
  `${origin.replace(/^http/, 'ws')}/terminal/${resource}/ws?${new URLSearchParams(query).toString()}`;

/** The stored session once it has ended (the row is written just after the client hears why). */
export async function endedRow<T extends { state: string }>(
  get: () => Promise<T | undefined>,
  ms = 5_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const row = await get();
    if (row?.state === 'ended') return row;
    if (Date.now() > deadline) throw new Error('the session did not end in the store');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * How the terminal tests begin: alice signed in, a bearer token of hers (the CLI's way in) and a
 * 30-minute grant to prod-shell.
 */
export async function aliceOnProdShell(
  demo: TestDemo,
): Promise<{ alice: TestBrowser; token: string }> {
  const alice = await demo.login('alice');
  const issued = await alice.request(`${demo.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: demo.url },
    body: '{}',
  });
  const token = String((JSON.parse(issued.body) as { token?: string }).token);
  await demo.jitgate.grants.grant({
    user: 'alice',
    resource: 'prod-shell',
    durationMs: 30 * 60_000,
    actor: 'test',
  });
  return { alice, token };
}
