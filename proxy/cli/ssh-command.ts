/**
 * `jitgate ssh RESOURCE [--login L]`: the same recorded session as the web terminal, from a
 * terminal. It authenticates with a bearer token (JITGATE_TOKEN or the saved login), puts the local
 * terminal in raw mode, relays keystrokes and resizes, and prints why the session ended.
 */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { parseCommand, proxyUrl } from './args.js';
import { loadLogin } from './credentials-file.js';
import { CliError, EXIT, exitCodeFor } from './exit-codes.js';
import { terminalText } from './output.js';
import { SSH_USAGE } from './usage.js';

interface Control {
  type?: string;
  message?: string;
  reason?: string;
  resource?: string;
  login?: string;
  recording?: boolean;
}

/** A refusal's error is a few hundred bytes: anything past this is not jitgate's and is not read. */
const MAX_REFUSAL_BYTES = 64 * 1024;

function refusal(res: IncomingMessage): Promise<CliError> {
  return new Promise((resolve) => {
    let body = '';
    res.on('data', (chunk: Buffer) => {
      body += chunk.toString();
      if (body.length > MAX_REFUSAL_BYTES) res.destroy();
    });
    res.on('close', () => {
      let error: { code?: string; message?: string } = {};
      try {
        error = (JSON.parse(body) as { error?: typeof error }).error ?? {};
      } catch {
        // not JSON: the status says enough
      }
      const status = res.statusCode ?? 0;
      const code = error.code ?? `http_${status}`;
      const text = error.message ?? `HTTP ${status}`;
      resolve(new CliError(`${text} (${code})`, exitCodeFor(status, code)));
    });
  });
}

/** A control message (a JSON object), or undefined for text that is not one. */
function controlOf(bytes: Buffer): Control | undefined {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function sshCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { login: { type: 'string' }, token: { type: 'string' } },
    SSH_USAGE,
  );
  const [resource] = positionals;
  if (!resource || positionals.length > 1) throw new CliError(`usage:\n${SSH_USAGE}`);
  // Parsed only to say why: on the command line a token is shown to every local user by `ps`
  // and kept in shell history, for the 12 hours it lives.
  if (values.token !== undefined)
    throw new CliError(
      '--token puts the token where `ps` and shell history show it: set JITGATE_TOKEN instead',
      EXIT.usage,
    );
  const base = proxyUrl(values.url);
  const token = process.env.JITGATE_TOKEN ?? loadLogin(base)?.token;
  if (!token)
    throw new CliError(
      `not logged in to ${base} (run: jitgate login, or set JITGATE_TOKEN)`,
      EXIT.unauthenticated,
    );
  const url = new URL(`/terminal/${encodeURIComponent(resource)}/ws`, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (values.login) url.searchParams.set('login', values.login);
  url.searchParams.set('cols', String(process.stdout.columns || 80));
  url.searchParams.set('rows', String(process.stdout.rows || 24));

  const { stdin, stdout, stderr } = process;
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  // Listening before `open`: the first messages may arrive in the same read as the handshake.
  let ended: Control | undefined;
  let notJitgate = false;
  ws.on('message', (data, binary) => {
    const bytes = Buffer.isBuffer(data)
      ? data
      : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    if (binary) return void stdout.write(bytes);
    const message = controlOf(bytes);
    if (!message) {
      // Another WebSocket server at --url (or a broken one): said in one line, not a stack.
      notJitgate = true;
      return void ws.terminate();
    }
    if (message.type === 'ready')
      stderr.write(
        terminalText(
          `jitgate: ${message.resource} as ${message.login}, ${message.recording ? 'recorded' : 'not recorded'}`,
        ) + '\r\n',
      );
    if (message.type === 'ended') ended = message;
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => void refusal(res).then(reject));
    ws.once('error', () =>
      reject(new CliError(`cannot reach jitgate at ${base} (use --url)`, EXIT.unreachable)),
    );
    ws.once('open', () => resolve());
  });

  const raw = stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  stdin.on('data', (chunk: Buffer) => ws.send(chunk, { binary: true }));
  // Piped input that ends is a Ctrl-D, so a script's remote shell exits when its input does.
  if (!raw) stdin.once('end', () => ws.readyState === ws.OPEN && ws.send(Buffer.from([4])));
  const resize = () =>
    ws.send(JSON.stringify({ type: 'resize', cols: stdout.columns, rows: stdout.rows }));
  stdout.on('resize', resize);
  await closed;
  if (raw) stdin.setRawMode(false);
  stdin.pause();
  stdout.off('resize', resize);
  if (notJitgate)
    throw new CliError(
      `${base} does not speak jitgate's terminal protocol: is --url jitgate's address?`,
      EXIT.unreachable,
    );
  stderr.write(`\r\n${terminalText(`jitgate: ${ended?.message ?? 'the connection closed'}`)}\r\n`);
  if (ended && ended.reason !== 'exit' && ended.reason !== 'client_closed')
    process.exitCode = EXIT.refused;
}
