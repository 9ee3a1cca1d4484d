/**
 * A replica's own network path to PostgreSQL, which a test can cut as a partition would: a TCP
 * relay to the database that, once `cut`, drops every connection through it and every new one,
 * while other replicas (connected directly) keep the database. `mend` lets connections through
 * again. `url` is the store URL through the relay.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

export interface PgLink {
  url: string;
  cut(): void;
  mend(): void;
  close(): Promise<void>;
}

export async function startPgLink(storeUrl: string): Promise<PgLink> {
  const target = new URL(storeUrl);
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const url = new URL(storeUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.href,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    mend() {
      open = true;
    },
    async close() {
      open = false;
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
