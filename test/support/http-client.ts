/**
 * A small browser stand-in for Node-side tests: node:http (fetch drops the Host header), a
 * cookie jar per host name, manual redirects. Every *.localhost host is reached on 127.0.0.1 with
 * its real Host header, as Chromium would.
 */
import http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  url: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export function rawRequest(url: string, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: target.port || 80,
        path: target.pathname + target.search,
        method: options.method ?? 'GET',
        headers: { host: target.host, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            url,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  store(host: string, setCookie: string[] | undefined) {
    for (const line of setCookie ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const jar = this.byHost.get(host) ?? new Map<string, string>();
      const expired = attributes.some(
        (a) => /^\s*max-age=0/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a),
      );
      if (expired) jar.delete(name);
      else jar.set(name, value);
      this.byHost.set(host, jar);
    }
  }

  header(host: string): string | undefined {
    const jar = this.byHost.get(host);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(host: string, name: string): string | undefined {
    return this.byHost.get(host)?.get(name);
  }

  set(host: string, name: string, value: string) {
    const jar = this.byHost.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.byHost.set(host, jar);
  }
}

export class TestBrowser {
  readonly jar = new CookieJar();

  /** `headers` go with every request (a TLS terminator's X-Forwarded-Proto, say). */
  constructor(private readonly headers: Record<string, string> = {}) {}

  /** One request with this browser's cookies; stores the answer's cookies. */
  async request(url: string, options: RequestOptions = {}): Promise<Reply> {
    const host = new URL(url).hostname;
    const cookie = this.jar.header(host);
    const reply = await rawRequest(url, {
      ...options,
      headers: {
        accept: 'text/html',
        'sec-fetch-mode': 'navigate',
        ...this.headers,
        ...(cookie ? { cookie } : {}),
        ...options.headers,
      },
    });
    this.jar.store(host, reply.headers['set-cookie']);
    return reply;
  }

  /** Follows redirects like a browser navigation; returns the final answer. */
  async navigate(url: string, options: RequestOptions = {}, maxRedirects = 15): Promise<Reply> {
    let reply = await this.request(url, options);
    for (
      let i = 0;
      i < maxRedirects && reply.status >= 301 && reply.status <= 308 && reply.headers.location;
      i++
    ) {
      const next = new URL(reply.headers.location, reply.url).href;
      const keepMethod = reply.status === 307 || reply.status === 308;
      reply = await this.request(next, keepMethod ? options : {});
    }
    return reply;
  }

  postForm(url: string, fields: Record<string, string>): Promise<Reply> {
    const body = new URLSearchParams(fields).toString();
    // With a length, as browsers send forms (node:http would chunk it, which not every server reads).
    return this.navigate(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
  }
}

/** The action of the first form on a page, resolved against the page URL. */
export function formAction(page: Reply): string {
  const match = /<form[^>]*action="([^"]+)"/i.exec(page.body);
  if (!match?.[1]) throw new Error(`no form on ${page.url} (status ${page.status})`);
  return new URL(match[1].replaceAll('&amp;', '&'), page.url).href;
}
