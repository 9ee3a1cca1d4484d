/**
 * node:test's `it`, `before` and `after` for the end-to-end layer, each with its own hang guard.
 * Node 20 applies `--test-timeout` to a whole test file, so on a busy machine a file of slow but
 * healthy steps (a minute's wait for an expiry, a CLI start-up, a browser launch) ran out of
 * time as a whole. The e2e layer runs without that flag (scripts/run-tests.mjs) and every test
 * and hook here gets the bound the flag gives one test file of the other layers.
 */
import {
  after as nodeAfter,
  before as nodeBefore,
  it as nodeIt,
  type TestContext,
} from 'node:test';

export const HANG_GUARD_MS = 120_000;
const guard = { timeout: HANG_GUARD_MS };

export const it = (name: string, fn: (t: TestContext) => Promise<void>) => nodeIt(name, guard, fn);
export const before = (fn: () => Promise<void>) => nodeBefore(fn, guard);
export const after = (fn: () => Promise<void>) => nodeAfter(fn, guard);
