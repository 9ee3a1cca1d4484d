/**
 * Signing the extension in to jitgate (docs/extension.md): the options page names the jitgate
 * URL; the worker keeps a PKCE verifier and a state in storage.session and opens the connect page
 * on the portal; the person confirms there; the callback page hands the code back; the worker
 * trades code + verifier for a one-hour token and a refresh token. Sign-out forgets all of it,
 * also on the proxy, and removes every carried credential.
 */
import type { BrowserApi } from '../shared/browser.js';
import { exactOrigin } from '../shared/credential-policy.js';
import { connectUrl } from '../shared/connect-url.js';
import { randomToken, s256 } from '../shared/pkce.js';
import { KEYS } from '../shared/state.js';
import type { Carrier } from './carry.background.js';
import { ApiError, type JitgateClient } from './client.background.js';
import type { Store } from './store.background.js';

/** A connect page left open longer than this must start over. */
const PENDING_MS = 10 * 60_000;

export class Auth {
  constructor(
    private readonly browser: Pick<BrowserApi, 'extensionUrl' | 'openTab' | 'setBadge'>,
    private readonly store: Store,
    private readonly client: JitgateClient,
    private readonly carrier: Carrier,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Opens the connect page. `stepUp`: the person passes a fresh MFA step-up there first and the
   * new token carries it (for what needs one, such as Emergency access); it replaces this one.
   */
  async begin(jitgateUrl: string, stepUp = false): Promise<{ connectUrl: string }> {
    const origin = exactOrigin(jitgateUrl);
    if (!origin) throw new ApiError(400, 'bad_url', 'the jitgate URL must be an http(s) URL');
    await this.store.setSettings({ jitgateUrl: origin });
    const verifier = randomToken(48);
    const state = randomToken(24);
    const redirectUri = this.browser.extensionUrl('callback.html');
    await this.store.setPending(KEYS.pendingAuth, {
      origin,
      state,
      verifier,
      redirectUri,
      startedAt: this.now(),
    });
    const url = connectUrl(origin, {
      redirectUri,
      state,
      challenge: await s256(verifier),
      stepUp,
    });
    await this.browser.openTab(url);
    return { connectUrl: url };
  }

  async complete(code: string, state: string): Promise<{ username: string }> {
    const pending = await this.store.pending(KEYS.pendingAuth);
    await this.store.setPending(KEYS.pendingAuth, undefined); // one answer per start, whatever it is
    if (!pending || pending.state !== state || this.now() - pending.startedAt > PENDING_MS)
      throw new ApiError(400, 'bad_state', 'this sign-in was not started here, or took too long');
    const previous = await this.store.signedIn();
    const answer = await this.client.exchange(pending.origin, {
      grant_type: 'authorization_code',
      code,
      code_verifier: pending.verifier,
      redirect_uri: pending.redirectUri,
    });
    await this.store.setSignedIn({
      origin: pending.origin,
      username: '',
      token: answer.token,
      tokenExpiresAt: Date.parse(answer.expiresAt),
      refreshToken: answer.refreshToken,
      refreshExpiresAt: Date.parse(answer.refreshExpiresAt),
    });
    const { user } = await this.client.call<{ user: { username: string } }>('GET', '/me');
    const session = await this.store.signedIn();
    if (session) await this.store.setSignedIn({ ...session, username: user.username });
    // A step-up sign-in replaces the one before it: that token must not outlive its use. The
    // session credentials minted under it end with it, so they go first; the refresh that
    // follows a sign-in mints new ones under this token.
    if (previous) {
      await this.carrier.dropAll();
      await this.client.revoke(previous).catch(() => undefined);
    }
    return { username: user.username };
  }

  /** Forgets the sign-in here; tells the proxy when it can (`tellProxy` false after a 401). */
  async signOut(tellProxy: boolean): Promise<void> {
    if (tellProxy && (await this.store.signedIn()))
      await this.client.call('POST', '/extension/sign-out', {}).catch(() => undefined);
    await this.carrier.dropAll();
    await this.carrier.registerScripts([]);
    await this.store.clearSession();
    await this.browser.setBadge('');
  }
}
