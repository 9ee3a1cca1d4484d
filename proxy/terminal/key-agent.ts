/**
 * A one-identity SSH agent in jitgate's own process, so a relay session's private key never
 * touches a disk: the ssh client asks this agent (IdentityAgent, a Unix socket in the session's
 * private folder) for its identities and gets the session's certificate, then asks it to sign
 * the login, which it does once with the key held here in memory. After that signature it stops
 * listening; a crash leaves at most a dead socket and no key. The protocol is the small part of
 * draft-miller-ssh-agent an OpenSSH client uses to log in: identities, sign, and a polite
 * failure for everything else (extensions such as session-bind).
 */
import { sign, type KeyObject } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { SshReader, SshWriter } from './ssh-wire.js';

const FAILURE = 5;
const REQUEST_IDENTITIES = 11;
const IDENTITIES_ANSWER = 12;
const SIGN_REQUEST = 13;
const SIGN_RESPONSE = 14;
/** Larger messages are not ours to answer: the client is not a login. */
const MAX_MESSAGE = 256 * 1024;

export interface KeyAgent {
  /** The socket path for IdentityAgent. */
  readonly path: string;
  /** Stops listening and drops the key (existing connections are closed too). */
  close(): Promise<void>;
}

const frame = (payload: Buffer) => {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
};

/** Serves `certificateLine` (an OpenSSH `…-cert-v01@openssh.com` line) signed by `privateKey`. */
export async function startKeyAgent(
  path: string,
  privateKey: KeyObject,
  certificateLine: string,
): Promise<KeyAgent> {
  const [, base64 = '', comment = ''] = certificateLine.split(' ');
  const certificate = Buffer.from(base64, 'base64');
  let key: KeyObject | undefined = privateKey;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readUInt32BE(0);
        if (length === 0 || length > MAX_MESSAGE) return void socket.destroy();
        if (pending.length < 4 + length) return;
        const message = pending.subarray(4, 4 + length);
        pending = pending.subarray(4 + length);
        socket.write(frame(answer(message)));
      }
    });
  });

  const answer = (message: Buffer): Buffer => {
    const type = message.readUInt8(0);
    if (type === REQUEST_IDENTITIES) {
      if (!key) return new SshWriter().byte(IDENTITIES_ANSWER).uint32(0).toBuffer();
      return new SshWriter()
        .byte(IDENTITIES_ANSWER)
        .uint32(1)
        .string(certificate)
        .string(comment)
        .toBuffer();
    }
    if (type === SIGN_REQUEST && key) {
      try {
        const request = new SshReader(message.subarray(1));
        const blob = request.string();
        const data = request.string();
        if (!blob.equals(certificate)) return Buffer.from([FAILURE]);
        const signature = new SshWriter()
          .string('ssh-ed25519')
          .string(sign(null, data, key))
          .toBuffer();
        // One login, one signature: the key is dropped and nobody else may ask.
        key = undefined;
        server.close();
        return new SshWriter().byte(SIGN_RESPONSE).string(signature).toBuffer();
      } catch {
        return Buffer.from([FAILURE]);
      }
    }
    return Buffer.from([FAILURE]);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    path,
    async close() {
      key = undefined;
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
