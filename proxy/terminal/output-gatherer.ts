/**
 * Gathers a terminal's bulk output into fewer, larger pieces. Each pty read used to become its
 * own recording event, WebSocket frame and socket write on both ends: a `cat` of a large file
 * arrives as thousands of ~4 KiB reads a second, and the relay reached 54% of direct SSH's
 * throughput. A read that filled the pty's buffer means more is already waiting, so it is held
 * for at most GATHER_MS (or until GATHER_LIMIT characters); anything shorter (a keystroke's
 * echo, a prompt, the end of a burst) goes out at once, with whatever was held before it.
 */

/** The pty hands over at most ~4 KiB per read (Linux's pty buffer); this long means it was full. */
export const FULL_READ = 4000;
export const GATHER_MS = 2;
export const GATHER_LIMIT = 64 * 1024;

export class OutputGatherer {
  private held: string[] = [];
  private heldLength = 0;
  private timer: NodeJS.Timeout | undefined;

  /** @param emit receives the output, in order, in pieces that are never empty */
  constructor(private readonly emit: (data: string) => void) {}

  push(data: string): void {
    this.held.push(data);
    this.heldLength += data.length;
    if (data.length < FULL_READ || this.heldLength >= GATHER_LIMIT) return this.flush();
    this.timer ??= setTimeout(() => this.flush(), GATHER_MS);
  }

  /** Hands over whatever is held now: before input, a resize or the end, so order is kept. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.heldLength === 0) return;
    const data = this.held.length === 1 ? (this.held[0] ?? '') : this.held.join('');
    this.held = [];
    this.heldLength = 0;
    this.emit(data);
  }
}
