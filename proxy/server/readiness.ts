/**
 * Readiness, for load balancers: whether this process should be sent traffic now. It should not
 * while it starts (http-server.ts answers for it then), while it shuts down, or while the store
 * cannot be written: a proxy that cannot record what it does refuses most of it (audit events,
 * sessions, grants), so traffic is better sent to a replica that can. Liveness (/healthz) is
 * another question: a full disk is no reason to restart the process.
 */
export interface NotReady {
  code: 'starting' | 'shutting_down' | 'store_unwritable' | 'grant_book_stale';
  message: string;
}

export interface ReadinessDeps {
  /** Why the store cannot be written (a real write, at most a second old), or undefined. */
  writeProbe(): Promise<Error | undefined>;
  stopping(): boolean;
  /** Whether this replica's grant book is known current (the store's change feed). */
  current(): boolean;
}

export const STARTING: NotReady = { code: 'starting', message: 'jitgate is starting' };

/** Every reason not to send traffic here now; none means ready. */
export function readinessCheck(deps: ReadinessDeps): () => Promise<NotReady[]> {
  return async () => {
    const reasons: NotReady[] = [];
    if (deps.stopping())
      reasons.push({ code: 'shutting_down', message: 'jitgate is shutting down' });
    if (!deps.current())
      reasons.push({
        code: 'grant_book_stale',
        message: 'this replica lost its change feed and is reloading (it admits nobody meanwhile)',
      });
    if (await deps.writeProbe())
      reasons.push({
        code: 'store_unwritable',
        message: 'the store cannot be written (the log says why)',
      });
    return reasons;
  };
}

/** The /readyz answer's body. */
export const readinessBody = (reasons: readonly NotReady[]) =>
  reasons.length === 0 ? { status: 'ready' } : { status: 'unready', reasons };
