/**
 * The "Node floor": the least a Node proxy can do on this machine, with no auth at all. node:http
 * in front, undici `Pool.stream` with kept-alive connections behind, hop-by-hop headers dropped,
 * everything else passed as is. Prints {"port": N} on stdout once listening; SIGTERM ends it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = process.env.BENCH_UPSTREAM;
if (!upstream) {
  process.stderr.write('floor-child needs BENCH_UPSTREAM\n');
  process.exit(2);
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);
const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 });

const server = createServer((req, res) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? null : req;
  pool
    .stream({ path: req.url ?? '/', method, headers, body }, ({ statusCode, headers: answer }) => {
      for (const [name, value] of Object.entries(answer))
        if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
      res.statusCode = statusCode;
      return res;
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'content-length': 0 }).end();
      else res.destroy();
    });
});
server.keepAliveTimeout = 65_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ port }) + '\n');
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void pool.close().then(() => process.exit(0)));
});
