/**
 * The Debian `asciinema` CLI as a reader of jitgate's recordings. `asciinema cat` insists on a
 * controlling terminal (it opens /dev/tty), which CI does not have, so it runs in a pty here.
 */
import { spawn } from 'node-pty';

export interface AsciinemaRun {
  code: number;
  output: string;
}

export function asciinemaCat(path: string, timeoutMs = 20_000): Promise<AsciinemaRun> {
  return new Promise((resolve, reject) => {
    const pty = spawn('asciinema', ['cat', path], {
      cols: 200,
      rows: 50,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        HOME: process.env.HOME ?? '/tmp',
      },
    });
    let output = '';
    const timer = setTimeout(() => {
      pty.kill();
      reject(new Error(`asciinema cat did not finish: ${output.slice(-500)}`));
    }, timeoutMs);
    pty.onData((data) => (output += data));
    pty.onExit(({ exitCode }) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output });
    });
  });
}
