/** A fake of the extension's BrowserApi: storage in maps, rules and scripts in arrays. */
import type {
  AppScript,
  BrowserApi,
  HeaderRule,
  StorageArea,
  TabView,
} from '../../../extension/shared/browser.js';

class FakeArea implements StorageArea {
  readonly data = new Map<string, unknown>();
  async get(keys: string[]) {
    return Object.fromEntries(
      keys.filter((k) => this.data.has(k)).map((k) => [k, structuredClone(this.data.get(k))]),
    );
  }
  async set(items: Record<string, unknown>) {
    for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
  }
  async remove(keys: string[]) {
    for (const k of keys) this.data.delete(k);
  }
}

export class FakeBrowser implements BrowserApi {
  extensionId = 'abcdefghijklmnopabcdefghijklmnop';
  session = new FakeArea();
  local = new FakeArea();
  rulesInBrowser: HeaderRule[] = [];
  registered: AppScript[] = [];
  /** Host patterns the person granted. */
  granted = new Set<string>();
  alarmsSet = new Map<string, { when?: number; periodInMinutes?: number }>();
  opened: string[] = [];

  extensionUrl = (path: string) => new URL(path, `chrome-extension://${this.extensionId}/`).href;
  sendMessage = async () => undefined;
  onMessage() {}
  onStorageChanged() {}
  alarms = {
    create: async (name: string, info: { when?: number; periodInMinutes?: number }) =>
      void this.alarmsSet.set(name, info),
    clear: async (name: string) => this.alarmsSet.delete(name),
    onAlarm() {},
  };
  rules = {
    list: async () => structuredClone(this.rulesInBrowser),
    update: async (change: { addRules?: HeaderRule[]; removeRuleIds?: number[] }) => {
      const removed = new Set(change.removeRuleIds ?? []);
      this.rulesInBrowser = this.rulesInBrowser.filter((r) => !removed.has(r.id));
      for (const rule of change.addRules ?? []) {
        if (this.rulesInBrowser.some((r) => r.id === rule.id))
          throw new Error(`duplicate rule id ${rule.id}`);
        this.rulesInBrowser.push(structuredClone(rule));
      }
    },
  };
  scripts = {
    list: async () => structuredClone(this.registered),
    register: async (scripts: AppScript[]) =>
      void this.registered.push(...structuredClone(scripts)),
    unregister: async (ids: string[]) =>
      void (this.registered = this.registered.filter((s) => !ids.includes(s.id))),
  };
  permissions = {
    contains: async (origins: string[]) => origins.every((o) => this.granted.has(o)),
    request: async (origins: string[]) => origins.every((o) => this.granted.has(o)),
    onAdded() {},
  };
  /** The browser's tabs, as the worker may see them. */
  tabList: TabView[] = [];
  tabs = {
    list: async () => structuredClone(this.tabList),
    onChanged() {},
  };
  openTab = async (url: string) => void this.opened.push(url);
  notify = async () => undefined;
  setBadge = async () => undefined;
  onStartup() {}
}
