/**
 * Why a failure happened, for the one line the CLI prints: the messages (and string codes) of an
 * error's causes, outermost first. "the store cannot be reached" alone does not tell an operator
 * whether the address, the password or the network is wrong; its cause does. Error messages from
 * drivers name addresses and users, never passwords (the logger relies on the same).
 */
const MAX_CAUSES = 4;

function described(error: Error): string {
  const { code } = error as { code?: unknown };
  const message = error.message.replace(/\s+/g, ' ').trim();
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

/** ": cause: its cause…", or "" when the error has no cause worth saying. */
export function causeText(error: Error): string {
  const said: string[] = [];
  const seen = new Set<unknown>([error]);
  let cause: unknown = error.cause;
  while (cause instanceof Error && !seen.has(cause) && said.length < MAX_CAUSES) {
    seen.add(cause);
    // A connection tried on several addresses: the first one says enough.
    const next = cause instanceof AggregateError && cause.errors[0] instanceof Error;
    const text = described(cause);
    if (text && !said.includes(text)) said.push(text);
    cause = next ? (cause as AggregateError).errors[0] : cause.cause;
  }
  return said.length > 0 ? `: ${said.join(': ')}` : '';
}
