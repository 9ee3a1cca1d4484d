/**
 * Carries live grants into their apps: for each active web grant whose origin the person let the
 * extension reach (an optional host permission), a session credential from the proxy and the
 * header rule that sends it (shared/header-rules.ts); renewed before it ends, removed the moment
 * the grant is no longer active (release, revoke, expiry: the sync and the grant-end alarm both
 * come here). Each rule is scoped to the tabs whose document is at exactly the app's origin,
 * rebuilt whenever a tab opens, navigates or closes. Also keeps the app content script
 * registered on exactly those origins.
 */
import type { SessionCredentialAnswer } from '../shared/api-types.js';
import type { AppScript, BrowserApi } from '../shared/browser.js';
import { appTabIds, mayCarryCredential } from '../shared/credential-policy.js';
import { buildHeaderRule, isCarriable, nextRuleId, originPattern } from '../shared/header-rules.js';
import type { CarriedMap, ResourceView } from '../shared/state.js';
import type { Store } from './store.background.js';

/** Renew a credential once less than this is left (it lives at most 15 minutes). */
const RENEW_BEFORE_MS = 5 * 60_000;
export const APP_SCRIPT_ID = 'jitgate-app';

export type MintCredential = (grant: string) => Promise<SessionCredentialAnswer>;

export class Carrier {
  /**
   * Changes to the rules run one at a time: a tab change that read the grants before a release
   * must not put the released grant's rule back after it. (Order only, no state: what is carried
   * is in storage.session.)
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly browser: Pick<
      BrowserApi,
      'rules' | 'scripts' | 'permissions' | 'alarms' | 'tabs'
    >,
    private readonly store: Pick<Store, 'carried' | 'setCarried'>,
    private readonly mint: MintCredential,
    private readonly now: () => number = Date.now,
  ) {}

  private serial<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change, change);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Makes the rules match `resources`: one per active, reachable web grant, none otherwise. */
  reconcile(resources: ResourceView[]): Promise<void> {
    return this.serial(() => this.reconcileNow(resources));
  }

  /** Rebuilds every rule for the tabs now at each app's origin (a tab came, went or moved). */
  retarget(): Promise<void> {
    return this.serial(async () => this.apply(await this.store.carried()));
  }

  private async reconcileNow(resources: ResourceView[]): Promise<void> {
    const carried = await this.store.carried();
    const next: CarriedMap = {};
    const now = this.now();
    for (const r of resources) {
      if (r.state !== 'active' || !r.grant || !r.origin || r.endsAt === null || r.endsAt <= now)
        continue;
      const pattern = originPattern(r.origin);
      if (!pattern || !(await this.browser.permissions.contains([pattern]))) continue;
      const held = carried[r.grant];
      if (
        held?.value &&
        held.origin === r.origin &&
        held.credentialExpiresAt - now > RENEW_BEFORE_MS
      ) {
        next[r.grant] = held;
        continue;
      }
      const used = [...Object.values(carried), ...Object.values(next)].map((c) => c.ruleId);
      const ruleId = held?.ruleId ?? nextRuleId(used);
      const credential = await this.mint(r.grant);
      const expiresAt = Date.parse(credential.expiresAt);
      const target = { origin: r.origin, endsAt: r.endsAt };
      if (!mayCarryCredential({ ...credential, expiresAt }, target, now)) continue;
      if (!isCarriable(credential)) continue;
      next[r.grant] = {
        grant: r.grant,
        resource: r.id,
        origin: r.origin,
        ruleId,
        header: credential.header,
        value: credential.value,
        credentialExpiresAt: expiresAt,
        endsAt: r.endsAt,
      };
      await this.browser.alarms.create(`grant-end:${r.grant}`, { when: r.endsAt });
    }
    await this.store.setCarried(next);
    await this.apply(next);
  }

  /** Ends carrying one grant at once (release, revoke, its end time). */
  drop(grant: string): Promise<void> {
    return this.serial(async () => {
      const carried = await this.store.carried();
      const { [grant]: gone, ...rest } = carried;
      if (gone) await this.browser.rules.update({ removeRuleIds: [gone.ruleId] });
      await this.store.setCarried(rest);
      await this.removeAllBut(rest);
    });
  }

  dropAll(): Promise<void> {
    return this.serial(async () => {
      await this.store.setCarried({});
      await this.removeAllBut({});
    });
  }

  /** One rule per carried grant, for its app's tabs; none while no tab is at its origin. */
  private async apply(carried: CarriedMap) {
    const tabs = await this.browser.tabs.list();
    for (const c of Object.values(carried)) {
      const rule = buildHeaderRule(c.ruleId, c, appTabIds(tabs, c.origin));
      await this.browser.rules.update({
        removeRuleIds: [c.ruleId],
        ...(rule ? { addRules: [rule] } : {}),
      });
    }
    await this.removeAllBut(carried);
  }

  /** The app content script runs on the app origins the person let us reach, nowhere else. */
  async registerScripts(resources: ResourceView[]): Promise<void> {
    const patterns = new Set<string>();
    for (const r of resources) {
      const pattern = r.origin ? originPattern(r.origin) : undefined;
      if (pattern && (await this.browser.permissions.contains([pattern]))) patterns.add(pattern);
    }
    const wanted: AppScript = {
      id: APP_SCRIPT_ID,
      matches: [...patterns].sort(),
      js: ['app.content.js'],
    };
    const current = (await this.browser.scripts.list()).find((s) => s.id === APP_SCRIPT_ID);
    if (current && current.matches.slice().sort().join() === wanted.matches.join()) return;
    if (current) await this.browser.scripts.unregister([APP_SCRIPT_ID]);
    if (wanted.matches.length > 0) await this.browser.scripts.register([wanted]);
  }

  /** Rules the browser still has that no carried grant owns (a killed worker's leftovers). */
  private async removeAllBut(keep: CarriedMap) {
    const owned = new Set(Object.values(keep).map((c) => c.ruleId));
    const stale = (await this.browser.rules.list()).map((r) => r.id).filter((id) => !owned.has(id));
    if (stale.length > 0) await this.browser.rules.update({ removeRuleIds: stale });
  }
}
