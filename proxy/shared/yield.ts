/**
 * Lets the event loop run (I/O, timers, every other request) before the caller goes on. Loops
 * over a store page by page need it: SQLite answers synchronously, so awaiting a page resolves
 * in a microtask and a long loop would otherwise hold the whole gate until it ends.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise<void>((resolve) => setImmediate(resolve));
