/**
 * A terminal as the bench drives it, whichever way it is reached: through jitgate's recorded
 * relay (the terminal WebSocket, as the CLI opens it) or straight to sshd (the same OpenSSH
 * client in a pty). Output is counted, never kept: a tail is enough to spot a marker.
 */
import WebSocket from 'ws';
import type { SshProcess } from '../proxy/terminal/ssh-client.js';

export interface Terminal {
  write(text: string): void;
  /** Called with every piece of output, in order. */
  onOutput(listener: (text: string) => void): void;
  close(): Promise<void>;
}

export function directTerminal(ssh: SshProcess): Terminal {
  return {
    write: (text) => ssh.pty.write(text),
    onOutput: (listener) => ssh.pty.onData(listener),
    async close() {
      const exited = new Promise<void>((resolve) => ssh.pty.onExit(() => resolve()));
      ssh.pty.kill('SIGTERM');
      await exited;
      await ssh.cleanup();
    },
  };
}

/** Opens a relayed session: resolves once jitgate says it is ready. */
export function relayTerminal(url: string, token: string): Promise<Terminal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const listeners: ((text: string) => void)[] = [];
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    const terminal: Terminal = {
      write: (text) => ws.send(Buffer.from(text), { binary: true }),
      onOutput: (listener) => listeners.push(listener),
      async close() {
        ws.close();
        await closed;
      },
    };
    ws.on('message', (data, binary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (binary) {
        const text = bytes.toString('utf8');
        for (const listener of listeners) listener(text);
      } else if ((JSON.parse(bytes.toString('utf8')) as { type?: string }).type === 'ready') {
        resolve(terminal);
      }
    });
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`terminal WebSocket refused: ${res.statusCode}`)),
    );
    ws.once('error', reject);
    ws.once('close', () => reject(new Error('terminal WebSocket closed before ready')));
  });
}

/** Counts output and resolves waits for a marker or for any new output. */
export class OutputTap {
  bytes = 0;
  private tail = '';
  private waiters: (() => void)[] = [];

  constructor(terminal: Terminal) {
    terminal.onOutput((text) => {
      this.bytes += Buffer.byteLength(text);
      this.tail = (this.tail + text).slice(-512);
      const waiting = this.waiters;
      this.waiters = [];
      for (const wake of waiting) wake();
    });
  }

  /** Resolves when `marker` has appeared since the call (markers must be < 256 characters). */
  async until(marker: string, timeoutMs = 60_000): Promise<void> {
    this.tail = '';
    await this.wait(() => this.tail.includes(marker), `"${marker}"`, timeoutMs);
  }

  /** Resolves on the next output after the call. */
  async next(timeoutMs = 10_000): Promise<void> {
    const before = this.bytes;
    await this.wait(() => this.bytes > before, 'output', timeoutMs);
  }

  private wait(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`terminal: no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }
}

/**
 * A command line whose output contains `marker` but whose echo does not: the shell computes
 * the middle ("BENCH_$((6*7))_X" prints "BENCH_42_X").
 */
export function markerCommand(name: string): { line: string; marker: string } {
  return { line: `echo BENCH_$((6*7))_${name}`, marker: `BENCH_42_${name}` };
}
