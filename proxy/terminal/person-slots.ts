/**
 * How many terminal sessions each person has open (or opening) on this process. Each is an ssh
 * client and a recording on this host, so one person's script must not be able to open them
 * without bound. A slot is taken before any of that is set up, so concurrent opens cannot all
 * pass the count, and given back exactly once: when the open fails or the session ends.
 */
import { JitgateError } from '../shared/errors.js';

export class PersonSlots {
  private readonly taken = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A slot for `userId`, or 429 `too_many_terminals`; the returned function gives it back. */
  take(userId: string): () => void {
    const count = this.taken.get(userId) ?? 0;
    if (count >= this.max)
      throw new JitgateError(
        429,
        'too_many_terminals',
        `at most ${this.max} terminal sessions open at once each: end one first`,
      );
    this.taken.set(userId, count + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.taken.get(userId) ?? 1) - 1;
      if (left > 0) this.taken.set(userId, left);
      else this.taken.delete(userId);
    };
  }

  count(userId: string): number {
    return this.taken.get(userId) ?? 0;
  }
}
