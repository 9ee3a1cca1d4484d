/**
 * node:test's `it`, `test` and hooks, each with its own hang guard, for the integration and
 * end-to-end layers. Node 20 applies `--test-timeout` to a whole test file, so on a busy machine
 * a file of slow but healthy steps (a CLI start-up, a child jitgate, a minute's wait for an
 * expiry) ran out of time as a whole: a budget that depends on how fast the machine is. These
 * layers run without that flag (scripts/run-tests.mjs); every test and hook here gets the bound
 * the flag gives one file of the unit layer, so a hang still fails where it happens.
 */
import {
  after as nodeAfter,
  afterEach as nodeAfterEach,
  before as nodeBefore,
  beforeEach as nodeBeforeEach,
  it as nodeIt,
  type TestContext,
} from 'node:test';

export { describe } from 'node:test';

export const HANG_GUARD_MS = 120_000;
const guard = { timeout: HANG_GUARD_MS };

type Body = (t: TestContext) => unknown;
type Hook = () => unknown;
// A hook may hand back what it started (`before(() => (server = listen()))`): node:test wants
// nothing or a promise.
const settled = (fn: Hook) => async () => void (await fn());

// node:test's runner awaits what `it` returns; handing back nothing keeps callers lint-clean.
export const it = (name: string, fn: Body): void => {
  void nodeIt(name, guard, async (t) => void (await fn(t)));
};
export const test = it;
export const before = (fn: Hook) => nodeBefore(settled(fn), guard);
export const after = (fn: Hook) => nodeAfter(settled(fn), guard);
export const beforeEach = (fn: Hook) => nodeBeforeEach(settled(fn), guard);
export const afterEach = (fn: Hook) => nodeAfterEach(settled(fn), guard);
