/**
 * Child processes of one benchmark run: spawned here, all ended by `stopAll` (also on SIGINT,
 * SIGTERM and failure), so a run never leaves a server behind.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

const running = new Set<ChildProcess>();

export function startChild(command: string, args: string[], options: SpawnOptions = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Starts a child that prints one JSON line when ready; resolves with that object. */
export function startJsonChild(
  label: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
  timeoutMs = 60_000,
): Promise<{ child: ChildProcess; ready: Record<string, unknown> }> {
  const child = startChild(command, args, options);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${label}: ${why}${stderr ? `\n${stderr}` : ''}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited early (${signal ?? code})`);
    child.once('error', (error) => fail(error.message));
    child.once('exit', onExit);
    if (!child.stdout) return fail('no stdout');
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      child.stdout?.resume(); // keep draining whatever it prints later
      resolve({ child, ready: JSON.parse(line) as Record<string, unknown> });
    });
  });
}

/** Waits for a child to exit; resolves with its exit code (null when killed by a signal). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** SIGTERM to every child still running, SIGKILL to any left after `graceMs`. */
export async function stopAll(graceMs = 3000): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }, graceMs);
  await Promise.all(children.map(exited));
  clearTimeout(timer);
}

/** Synchronous last resort when the parent exits without having run `stopAll`. */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
}
