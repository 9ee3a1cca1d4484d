/**
 * The live event stream (`/api/v1/events`, Server-Sent Events) read with fetch, since
 * EventSource cannot send a bearer token. Any event means "something of mine changed": the
 * caller refreshes. The stream is a connection, not state: a stopped worker loses it and the
 * next wake-up (alarm, popup, message) opens it again.
 */
import type { JitgateClient } from './client.background.js';

const RETRY_MS = 3000;

/** Splits SSE text into complete events; returns them and the unfinished rest. */
export function readEvents(buffer: string): { events: string[]; rest: string } {
  const events: string[] = [];
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const type = /^event: ?(.*)$/m.exec(block)?.[1];
    if (type) events.push(type.trim());
  }
  return { events, rest };
}

export class EventStream {
  private abort: AbortController | undefined;

  constructor(
    private readonly client: JitgateClient,
    private readonly onEvent: (type: string) => void,
  ) {}

  get open(): boolean {
    return this.abort !== undefined;
  }

  /** Opens the stream unless it is open; reconnects after errors while signed in. */
  ensure(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort).finally(() => {
      if (this.abort !== abort) return;
      this.abort = undefined;
      if (!abort.signal.aborted) setTimeout(() => this.ensure(), RETRY_MS);
    });
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
  }

  private async run(abort: AbortController): Promise<void> {
    let response: Response;
    try {
      response = await this.client.openStream(abort.signal);
    } catch {
      abort.abort(); // signed out or unreachable: the next wake-up tries again
      return;
    }
    if (!response.ok || !response.body) return;
    // Opening (or reopening) may have missed events: catch up once.
    this.onEvent('connected');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const read = readEvents(buffer + value);
        buffer = read.rest;
        for (const type of read.events) this.onEvent(type);
      }
    } catch {
      // aborted or dropped: ensure() decides whether to come back
    }
  }
}
