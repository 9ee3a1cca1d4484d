/**
 * The only importer of node-pty: a program in a pseudo-terminal, as the terminal session sees it.
 * The ssh client needs a real tty to offer the remote shell one (stock ssh2 cannot log in with a
 * certificate, so the OpenSSH client does the SSH part).
 */
import { spawn } from 'node-pty';

export interface PtyOptions {
  cols: number;
  rows: number;
  cwd: string;
  /** The whole environment of the program: nothing of jitgate's own leaks into it. */
  env: Record<string, string>;
}

export interface Pty {
  readonly pid: number;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Stops reading output (backpressure); resume() reads again. */
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
  onData(listener: (data: string) => void): void;
  onExit(listener: (exit: { exitCode: number; signal?: number }) => void): void;
}

export function spawnPty(file: string, args: readonly string[], options: PtyOptions): Pty {
  const pty = spawn(file, [...args], {
    name: 'xterm-256color',
    cols: options.cols,
    rows: options.rows,
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
  });
  return {
    pid: pty.pid,
    write: (data) => pty.write(data),
    resize: (cols, rows) => {
      try {
        pty.resize(cols, rows);
      } catch {
        // The program has just exited: its exit handler ends the session.
      }
    },
    pause: () => pty.pause(),
    resume: () => pty.resume(),
    kill: (signal) => {
      try {
        pty.kill(signal);
      } catch {
        // Already gone.
      }
    },
    onData: (listener) => void pty.onData(listener),
    onExit: (listener) => void pty.onExit(listener),
  };
}
