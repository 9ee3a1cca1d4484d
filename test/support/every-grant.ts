import type { UserGrantsBound } from '../../proxy/store/types.js';

/** A GrantRepository.listForUser bound that reads a person's whole history, for tests that count it. */
export const EVERY_GRANT: UserGrantsBound = { now: 0, recent: 1_000_000 };
