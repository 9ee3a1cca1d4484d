/**
 * Carries live grants into their apps: for each active web grant whose origin the person let the
 * extension reach (an optional host permission), a session credential from the proxy and the
 * header rule that sends it (shared/header-rules.ts); renewed before it ends, removed the moment
 * the grant is no longer active (release, revoke, expiry: the sync and the grant-end alarm both
 * come here). Also keeps the app content script registered on exactly those origins.
 */
import type { SessionCredentialAnswer } from '../shared/api-types.js';
import type { AppScript, BrowserApi } from '../shared/browser.js';
import { mayCarryCredential } from '../shared/credential-policy.js';
import { buildHeaderRule, nextRuleId, originPattern } from '../shared/header-rules.js';
import type { CarriedMap, ResourceView } from '../shared/state.js';
import type { Store } from './store.background.js';

/** Renew a credential once less than this is left (it lives at most 15 minutes). */
const RENEW_BEFORE_MS = 5 * 60_000;
export const APP_SCRIPT_ID = 'jitgate-app';

export type MintCredential = (grant: string) => Promise<SessionCredentialAnswer>;

export class Carrier {
  constructor(
    private readonly browser: Pick<BrowserApi, 'rules' | 'scripts' | 'permissions' | 'alarms'>,
    private readonly store: Pick<Store, 'carried' | 'setCarried'>,
    private readonly mint: MintCredential,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes the rules match `resources`: one per active, reachable web grant, none otherwise. */
  async reconcile(resources: ResourceView[]): Promise<void> {
    const carried = await this.store.carried();
    const next: CarriedMap = {};
    const now = this.now();
    for (const r of resources) {
      if (r.state !== 'active' || !r.grant || !r.origin || r.endsAt === null || r.endsAt <= now)
        continue;
      const pattern = originPattern(r.origin);
      if (!pattern || !(await this.browser.permissions.contains([pattern]))) continue;
      const held = carried[r.grant];
      if (held && held.origin === r.origin && held.credentialExpiresAt - now > RENEW_BEFORE_MS) {
        next[r.grant] = held;
        continue;
      }
      const used = [...Object.values(carried), ...Object.values(next)].map((c) => c.ruleId);
      const ruleId = held?.ruleId ?? nextRuleId(used);
      const credential = await this.mint(r.grant);
      const expiresAt = Date.parse(credential.expiresAt);
      const target = { origin: r.origin, endsAt: r.endsAt };
      if (!mayCarryCredential({ ...credential, expiresAt }, target, now)) continue;
      const rule = buildHeaderRule(ruleId, credential);
      if (!rule) continue;
      await this.browser.rules.update({ removeRuleIds: [ruleId], addRules: [rule] });
      next[r.grant] = {
        grant: r.grant,
        resource: r.id,
        origin: r.origin,
        ruleId,
        credentialExpiresAt: expiresAt,
        endsAt: r.endsAt,
      };
      await this.browser.alarms.create(`grant-end:${r.grant}`, { when: r.endsAt });
    }
    await this.store.setCarried(next);
    await this.removeAllBut(next);
  }

  /** Ends carrying one grant at once (release, revoke, its end time). */
  async drop(grant: string): Promise<void> {
    const carried = await this.store.carried();
    const { [grant]: gone, ...rest } = carried;
    if (gone) await this.browser.rules.update({ removeRuleIds: [gone.ruleId] });
    await this.store.setCarried(rest);
    await this.removeAllBut(rest);
  }

  async dropAll(): Promise<void> {
    await this.store.setCarried({});
    await this.removeAllBut({});
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
