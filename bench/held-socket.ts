/**
 * A WebSocket held open through jitgate and watched for the moment it is cut: a raw TCP client
 * that does the upgrade itself, so that it sees the first sign of the cut (jitgate's close frame,
 * or the end of the stream) and, separately, when the connection is fully closed. (A WebSocket
 * library only reports the latter, which also waits for the proxy to finish its own close.)
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export interface HeldSocket {
  /** Epoch ms of the close frame or end of stream; undefined while open. */
  cutAt: number | undefined;
  /** Epoch ms of the TCP connection closing. */
  closedAt: number | undefined;
}

const CLOSE_OPCODE = 0x8;

/** Resolves once the upgrade succeeded (101), with the state that the cut will fill in. */
export function holdWebSocket(
  port: number,
  path: string,
  headers: Record<string, string>,
  timeoutMs = 10_000,
): Promise<HeldSocket> {
  return new Promise((resolve, reject) => {
    const held: HeldSocket = { cutAt: undefined, closedAt: undefined };
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('WebSocket upgrade timed out'));
    }, timeoutMs);
    let head = Buffer.alloc(0);
    let upgraded = false;
    const cut = () => (held.cutAt ??= Date.now());
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        if (((chunk[0] ?? 0) & 0x0f) === CLOSE_OPCODE) cut();
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      clearTimeout(timer);
      if (!head.subarray(0, 13).toString().startsWith('HTTP/1.1 101')) {
        socket.destroy();
        return reject(new Error(`upgrade refused: ${head.subarray(0, 40).toString()}`));
      }
      upgraded = true;
      const rest = head.subarray(end + 4);
      if (rest.length > 0 && ((rest[0] ?? 0) & 0x0f) === CLOSE_OPCODE) cut();
      resolve(held);
    });
    socket.on('end', () => {
      cut();
      socket.end();
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      cut();
      held.closedAt = Date.now();
    });
    const lines = Object.entries({
      ...headers,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
    }).map(([name, value]) => `${name}: ${value}`);
    socket.write(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  });
}
