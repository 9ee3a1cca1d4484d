/**
 * The benchmark's upstream, in its own process: node:http on kept-alive connections.
 *   GET /bench   1 KiB body (what every proxy row forwards)
 *   /ws          WebSocket echo (the soak's WebSocket churn; connections cut at grant expiry)
 * Prints {"port": N} on stdout once listening; SIGTERM ends it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const BODY = Buffer.alloc(1024, 'x');

const server = createServer((req, res) => {
  if (req.url === '/bench') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  } else {
    res.writeHead(404, { 'content-length': 0 }).end();
  }
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

const sockets = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  if (req.url !== '/ws') return socket.destroy();
  sockets.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data, binary) => ws.send(data, { binary }));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ port }) + '\n');
});

process.on('SIGTERM', () => {
  for (const ws of sockets.clients) ws.terminate();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
