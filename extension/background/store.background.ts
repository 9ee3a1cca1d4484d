/**
 * Typed access to what the worker keeps (shared/state.ts). Reads check the shape they get: a
 * value that is not what we wrote counts as absent, so a damaged entry means "signed out", never
 * a half-read token.
 */
import type { BrowserApi } from '../shared/browser.js';
import {
  KEYS,
  type CarriedMap,
  type PendingAuth,
  type PendingBreakGlass,
  type Settings,
  type SignedIn,
  type Snapshot,
} from '../shared/state.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const hasStrings = (v: Record<string, unknown>, keys: readonly string[]) =>
  keys.every((k) => typeof v[k] === 'string');

/** What the worker keeps while it waits: for the sign-in tab, for the MFA step-up. */
interface PendingRecords {
  [KEYS.pendingAuth]: PendingAuth;
  [KEYS.pendingBreakGlass]: PendingBreakGlass;
}
export type PendingKey = keyof PendingRecords;

type StringFields<T> = { [F in keyof T]: T[F] extends string ? F : never }[keyof T];

/**
 * The fields each pending record must carry as strings when read back (each also carries a
 * numeric `startedAt`). `satisfies` keeps the lists to real string fields of their record.
 */
const PENDING_STRINGS = {
  [KEYS.pendingAuth]: ['origin', 'state', 'verifier', 'redirectUri'],
  [KEYS.pendingBreakGlass]: ['resource', 'incident', 'reason', 'duration'],
} as const satisfies { [K in PendingKey]: readonly StringFields<PendingRecords[K]>[] };
// And every string field is listed: one added to a record without being checked fails to compile.
type Unchecked = {
  [K in PendingKey]: Exclude<StringFields<PendingRecords[K]>, (typeof PENDING_STRINGS)[K][number]>;
}[PendingKey];
const everyStringChecked: [Unchecked] extends [never] ? true : Unchecked = true;
void everyStringChecked;

export class Store {
  constructor(private readonly browser: Pick<BrowserApi, 'session' | 'local'>) {}

  async settings(): Promise<Settings | undefined> {
    const value = (await this.browser.local.get([KEYS.settings]))[KEYS.settings];
    return isObject(value) && hasStrings(value, ['jitgateUrl'])
      ? (value as unknown as Settings)
      : undefined;
  }

  setSettings(settings: Settings): Promise<void> {
    return this.browser.local.set({ [KEYS.settings]: settings });
  }

  async signedIn(): Promise<SignedIn | undefined> {
    const value = await this.read(KEYS.session);
    const ok =
      isObject(value) &&
      hasStrings(value, ['origin', 'username', 'token', 'refreshToken']) &&
      typeof value.tokenExpiresAt === 'number' &&
      typeof value.refreshExpiresAt === 'number';
    return ok ? (value as unknown as SignedIn) : undefined;
  }

  setSignedIn(session: SignedIn): Promise<void> {
    return this.browser.session.set({ [KEYS.session]: session });
  }

  /** A record kept while the worker waits for something outside it; absent if damaged. */
  async pending<K extends PendingKey>(key: K): Promise<PendingRecords[K] | undefined> {
    const value = await this.read(key);
    const ok =
      isObject(value) &&
      hasStrings(value, PENDING_STRINGS[key]) &&
      typeof value.startedAt === 'number';
    return ok ? (value as unknown as PendingRecords[K]) : undefined;
  }

  /** Keeps `record` under `key`, or removes the key when there is none. */
  setPending<K extends PendingKey>(key: K, record: PendingRecords[K] | undefined): Promise<void> {
    return record
      ? this.browser.session.set({ [key]: record })
      : this.browser.session.remove([key]);
  }

  async snapshot(): Promise<Snapshot | undefined> {
    const value = await this.read(KEYS.snapshot);
    return isObject(value) && Array.isArray(value.resources) && Array.isArray(value.reviews)
      ? (value as unknown as Snapshot)
      : undefined;
  }

  setSnapshot(snapshot: Snapshot): Promise<void> {
    return this.browser.session.set({ [KEYS.snapshot]: snapshot });
  }

  async carried(): Promise<CarriedMap> {
    const value = await this.read(KEYS.carried);
    return isObject(value) ? (value as CarriedMap) : {};
  }

  setCarried(carried: CarriedMap): Promise<void> {
    return this.browser.session.set({ [KEYS.carried]: carried });
  }

  /** Sign-out: everything of the session goes; the jitgate URL stays. */
  clearSession(): Promise<void> {
    return this.browser.session.remove([
      KEYS.session,
      KEYS.pendingAuth,
      KEYS.pendingBreakGlass,
      KEYS.snapshot,
      KEYS.carried,
    ]);
  }

  private async read(key: string): Promise<unknown> {
    return (await this.browser.session.get([key]))[key];
  }
}
