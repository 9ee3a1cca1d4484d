/**
 * The one file that touches the browser's extension API (through webextension-polyfill, so the
 * same code runs as `browser.*` in Firefox and Chrome). Everything else receives a BrowserApi.
 * declarativeNetRequest, scripting and storage.session are promise-based in MV3 and are not in
 * the polyfill's wrapper table, so they pass through unchanged.
 */
import browser from 'webextension-polyfill';
import type { Scripting } from 'webextension-polyfill';
import type { AppScript, BrowserApi, HeaderRule, MessageSender } from './shared/browser.js';

/** What a content script may use: messages to the worker, nothing else. */
export function contentBrowser(): Pick<BrowserApi, 'sendMessage'> {
  return { sendMessage: (message) => browser.runtime.sendMessage(message) };
}

export function realBrowser(): BrowserApi {
  const base = browser.runtime.getURL('/');
  return {
    extensionId: browser.runtime.id,
    extensionUrl: (path) => new URL(path, base).href,
    sendMessage: (message) => browser.runtime.sendMessage(message),
    onMessage(listener) {
      browser.runtime.onMessage.addListener((message: unknown, sender: MessageSender) =>
        listener(message, sender),
      );
    },
    session: browser.storage.session,
    local: browser.storage.local,
    onStorageChanged(listener) {
      browser.storage.onChanged.addListener((changes, area) => listener(changes, area));
    },
    alarms: {
      create: async (name, info) => browser.alarms.create(name, info),
      clear: (name) => browser.alarms.clear(name),
      onAlarm: (listener) => browser.alarms.onAlarm.addListener((alarm) => listener(alarm.name)),
    },
    rules: {
      list: async () => (await browser.declarativeNetRequest.getSessionRules()) as HeaderRule[],
      // Our HeaderRule is a subset of the browser's Rule type.
      update: (change) => browser.declarativeNetRequest.updateSessionRules(change),
    },
    scripts: {
      list: async () =>
        (await browser.scripting.getRegisteredContentScripts()).map((s) => ({
          id: s.id,
          matches: s.matches ?? [],
          js: s.js ?? [],
        })),
      register: (scripts: AppScript[]) =>
        browser.scripting.registerContentScripts(
          scripts.map((s): Scripting.RegisteredContentScript => ({
            ...s,
            allFrames: false, // the top frame only: a frame of another site never gets it
            runAt: 'document_idle',
            persistAcrossSessions: false,
          })),
        ),
      unregister: (ids) => browser.scripting.unregisterContentScripts({ ids }),
    },
    permissions: {
      contains: (origins) => browser.permissions.contains({ origins }),
      request: (origins) => browser.permissions.request({ origins }),
      onAdded: (listener) => browser.permissions.onAdded.addListener(() => listener()),
    },
    tabs: {
      // Without the "tabs" permission the browser fills `url` only for tabs on origins we hold a
      // host permission for: exactly the ones a rule may name.
      list: async () =>
        (await browser.tabs.query({})).flatMap((t) =>
          t.id === undefined ? [] : [{ id: t.id, url: t.url, pendingUrl: t.pendingUrl }],
        ),
      onChanged: (listener) => {
        browser.tabs.onCreated.addListener(() => listener());
        browser.tabs.onUpdated.addListener((_id, change) => {
          if (change.url !== undefined || change.status !== undefined) listener();
        });
        browser.tabs.onRemoved.addListener(() => listener());
        browser.tabs.onReplaced.addListener(() => listener());
      },
    },
    openTab: async (url) => void (await browser.tabs.create({ url })),
    notify: async (id, title, message) =>
      void (await browser.notifications.create(id, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('icon-128.png'),
        title,
        message,
      })),
    setBadge: async (text) => {
      await browser.action.setBadgeText({ text });
      await browser.action.setBadgeBackgroundColor({ color: '#b3261e' });
    },
    onStartup: (listener) => {
      browser.runtime.onStartup.addListener(listener);
      browser.runtime.onInstalled.addListener(() => listener());
    },
  };
}
