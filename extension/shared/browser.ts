/**
 * The browser as the extension's classes see it: only what they use, in our own types. The real
 * one is browser-api.ts (the one file that touches webextension-polyfill); tests pass a fake.
 */

export interface MessageSender {
  /** The extension that sent it (ours, or the message is not ours to answer). */
  id?: string;
  /** The page or frame that sent it. */
  url?: string;
  /** 0 for a tab's top frame. */
  frameId?: number;
  tab?: { id?: number; url?: string };
}

export type ResourceType =
  | 'main_frame'
  | 'sub_frame'
  | 'xmlhttprequest'
  | 'websocket'
  | 'script'
  | 'stylesheet'
  | 'image'
  | 'font'
  | 'media'
  | 'ping'
  | 'other';

/** A declarativeNetRequest rule of the one kind we make: set a request header. */
export interface HeaderRule {
  id: number;
  priority: number;
  action: {
    type: 'modifyHeaders';
    requestHeaders: { header: string; operation: 'set'; value: string }[];
  };
  condition: {
    urlFilter: string;
    requestDomains: string[];
    initiatorDomains: string[];
    /** The tabs whose document is at exactly the app's origin (session rules only). */
    tabIds: number[];
    resourceTypes: ResourceType[];
  };
}

/**
 * A tab as the worker sees it: `url` is the committed document's address (absent when the
 * extension may not see it), `pendingUrl` where a navigation not yet committed is going.
 */
export interface TabView {
  id: number;
  url?: string;
  pendingUrl?: string;
}

export interface AppScript {
  id: string;
  matches: string[];
  js: string[];
}

export type Changes = Record<string, { oldValue?: unknown; newValue?: unknown }>;

export interface StorageArea {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export interface BrowserApi {
  extensionId: string;
  /** The extension's own URL for a path, e.g. chrome-extension://<id>/callback.html. */
  extensionUrl(path: string): string;
  sendMessage(message: unknown): Promise<unknown>;
  /** Answers with the listener's promise; undefined leaves the message to others. */
  onMessage(
    listener: (message: unknown, sender: MessageSender) => Promise<unknown> | undefined,
  ): void;
  /** In memory, cleared when the browser closes; extension pages and the worker only. */
  session: StorageArea;
  /** Survives restarts: settings only, never a token. */
  local: StorageArea;
  onStorageChanged(listener: (changes: Changes, area: string) => void): void;
  alarms: {
    create(name: string, info: { when?: number; periodInMinutes?: number }): Promise<void>;
    clear(name: string): Promise<boolean>;
    onAlarm(listener: (name: string) => void): void;
  };
  rules: {
    list(): Promise<HeaderRule[]>;
    update(change: { addRules?: HeaderRule[]; removeRuleIds?: number[] }): Promise<void>;
  };
  scripts: {
    list(): Promise<AppScript[]>;
    register(scripts: AppScript[]): Promise<void>;
    unregister(ids: string[]): Promise<void>;
  };
  permissions: {
    contains(origins: string[]): Promise<boolean>;
    request(origins: string[]): Promise<boolean>;
    onAdded(listener: () => void): void;
  };
  tabs: {
    list(): Promise<TabView[]>;
    /** A tab opened, navigated, replaced or closed. */
    onChanged(listener: () => void): void;
  };
  openTab(url: string): Promise<void>;
  notify(id: string, title: string, message: string): Promise<void>;
  setBadge(text: string): Promise<void>;
  onStartup(listener: () => void): void;
}
