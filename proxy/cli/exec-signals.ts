/**
 * The signals `jitgate exec` forwards to its command, and what they do before the command runs.
 */
export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A signal's number, for the exit code a shell reports: 128 + N. */
export const osSignal = (signal: NodeJS.Signals) =>
  (({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 }) as Record<string, number>)[
    signal
  ] ?? 0;

export interface SignalsUntilCommand {
  /** Aborted by a signal that came before CMD ran. */
  interrupted: AbortSignal;
  /** From now on signals are CMD's (run forwards them) and exec waits for CMD. */
  handOver(): void;
}

/**
 * A signal before CMD runs (while the request waits, or its credential is made) stops exec: what
 * it asked for is withdrawn or released (execWithGrant). A second one while that happens
 * (jitgate not answering) exits at once.
 */
export function signalsUntilCommand(): SignalsUntilCommand {
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) =>
    controller.signal.aborted ? process.exit(128 + osSignal(signal)) : controller.abort(signal);
  SIGNALS.forEach((signal) => process.on(signal, interrupt));
  return {
    interrupted: controller.signal,
    handOver: () => SIGNALS.forEach((signal) => process.off(signal, interrupt)),
  };
}
