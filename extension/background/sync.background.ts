/**
 * One refresh of what the person sees: resources with their access state, my latest requests
 * (for "denied" and its comment), and the approvals waiting for me. The snapshot goes to
 * storage.session (the popup renders it), the badge shows the approvals count, decisions become
 * desktop notifications, and the carried credentials follow the grants.
 */
import type { BreakGlassReviewJson, RequestJson, ResourceJson } from '../shared/api-types.js';
import type { BrowserApi } from '../shared/browser.js';
import type { Snapshot } from '../shared/state.js';
import { approvalViews, noticesBetween, resourceViews, reviewViews } from '../shared/views.js';
import type { Carrier } from './carry.background.js';
import { ApiError, type JitgateClient } from './client.background.js';
import type { Store } from './store.background.js';

export class Sync {
  /** The refresh under way; a second asker waits for it and then runs once more. */
  private running: Promise<Snapshot | undefined> | undefined;
  private again = false;

  constructor(
    private readonly browser: Pick<BrowserApi, 'notify' | 'setBadge'>,
    private readonly store: Store,
    private readonly client: JitgateClient,
    private readonly carrier: Carrier,
    private readonly now: () => number = Date.now,
  ) {}

  refresh(): Promise<Snapshot | undefined> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.once().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  private async once(): Promise<Snapshot | undefined> {
    const session = await this.store.signedIn();
    if (!session) {
      await this.browser.setBadge('');
      return undefined;
    }
    const before = await this.store.snapshot();
    try {
      const [{ resources }, { requests: mine }, { requests: waiting }, { reviews }] =
        await Promise.all([
          this.client.call<{ resources: ResourceJson[] }>('GET', '/resources'),
          this.client.call<{ requests: RequestJson[] }>('GET', '/requests?scope=mine'),
          this.client.call<{ requests: RequestJson[] }>('GET', '/requests?scope=approvals'),
          this.client.call<{ reviews: BreakGlassReviewJson[] }>('GET', '/break-glass/reviews'),
        ]);
      const views = resourceViews(resources, mine);
      const snapshot: Snapshot = {
        username: session.username,
        origin: session.origin,
        resources: views,
        approvals: approvalViews(waiting),
        reviews: reviewViews(reviews),
        updatedAt: this.now(),
        problem: null,
      };
      await this.store.setSnapshot(snapshot);
      const waitingForMe = snapshot.approvals.length + snapshot.reviews.length;
      await this.browser.setBadge(waitingForMe > 0 ? String(waitingForMe) : '');
      for (const n of noticesBetween(before, views))
        await this.browser.notify(n.id, n.title, n.message).catch(() => undefined);
      await this.carrier.reconcile(views);
      await this.carrier.registerScripts(views);
      return snapshot;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'signed_out') return undefined;
      const problem = error instanceof Error ? error.message : 'jitgate could not be reached';
      if (before) await this.store.setSnapshot({ ...before, problem });
      throw error;
    }
  }
}
