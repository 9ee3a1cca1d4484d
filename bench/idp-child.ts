/**
 * The demo IdP in a process of its own, so that the jitgate under test holds only jitgate (and so
 * that Apache's mod_auth_openidc logs in at the same IdP). Issuer http://localhost:PORT/idp, the
 * demo's people, the clients given in BENCH_IDP_CLIENTS (JSON: clientId, clientSecret,
 * redirectUris). Prints {"port": N, "issuer": URL} on stdout once ready; SIGTERM ends it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_USERS } from '../proxy/demo/demo-config.js';
import { createDemoIdp, type DemoClient } from '../proxy/demo/idp.js';

const clients = JSON.parse(process.env.BENCH_IDP_CLIENTS ?? '[]') as DemoClient[];
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
/** Until the IdP exists (it needs the port in its issuer), requests get a 503. */
let handler: Handler = (_req, res) => void res.writeHead(503, { 'content-length': 0 }).end();
const onRequest: Handler = (req, res) => handler(req, res);

const server = createServer(onRequest);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
// "localhost" may resolve to ::1 first (curl in mod_auth_openidc): answer there too.
const v6 = createServer(onRequest);
await new Promise<void>((resolve) => {
  v6.once('error', () => resolve());
  v6.listen(port, '::1', resolve);
});

const issuer = `http://localhost:${port}/idp`;
const idp = await createDemoIdp({
  issuer,
  users: DEMO_USERS,
  clients,
  cookieKeys: [randomBytes(24).toString('base64url')],
  log: (msg, fields) => process.stderr.write(`idp: ${msg} ${JSON.stringify(fields ?? {})}\n`),
});
handler = idp.handler;
process.stdout.write(JSON.stringify({ port, issuer }) + '\n');

process.on('SIGTERM', () => {
  server.closeAllConnections();
  v6.closeAllConnections();
  v6.close();
  server.close(() => process.exit(0));
});
