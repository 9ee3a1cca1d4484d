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

const hasStrings = (v: Record<string, unknown>, keys: string[]) =>
  keys.every((k) => typeof v[k] === 'string');

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

  async pendingAuth(): Promise<PendingAuth | undefined> {
    const value = await this.read(KEYS.pendingAuth);
    const ok =
      isObject(value) &&
      hasStrings(value, ['origin', 'state', 'verifier', 'redirectUri']) &&
      typeof value.startedAt === 'number';
    return ok ? (value as unknown as PendingAuth) : undefined;
  }

  setPendingAuth(pending: PendingAuth | undefined): Promise<void> {
    return pending
      ? this.browser.session.set({ [KEYS.pendingAuth]: pending })
      : this.browser.session.remove([KEYS.pendingAuth]);
  }

  async pendingBreakGlass(): Promise<PendingBreakGlass | undefined> {
    const value = await this.read(KEYS.pendingBreakGlass);
    const ok =
      isObject(value) &&
      hasStrings(value, ['resource', 'incident', 'reason', 'duration']) &&
      typeof value.startedAt === 'number';
    return ok ? (value as unknown as PendingBreakGlass) : undefined;
  }

  setPendingBreakGlass(pending: PendingBreakGlass | undefined): Promise<void> {
    return pending
      ? this.browser.session.set({ [KEYS.pendingBreakGlass]: pending })
      : this.browser.session.remove([KEYS.pendingBreakGlass]);
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
