/**
 * The options page: the jitgate URL, Connect (which opens jitgate's connect page, where the
 * signed-in person confirms) and Sign out. Permission for the jitgate origin is asked inside the
 * click; the one in the manifest needs no prompt.
 */
import { realBrowser } from '../browser-api.js';
import type { BrowserApi } from '../shared/browser.js';
import { originPattern } from '../shared/header-rules.js';
import type { Reply } from '../shared/messages.js';
import { KEYS, type SignedIn } from '../shared/state.js';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function show(browser: BrowserApi): Promise<void> {
  const settings = (await browser.local.get([KEYS.settings]))[KEYS.settings] as
    { jitgateUrl?: string } | undefined;
  const input = byId<HTMLInputElement>('jitgate-url');
  if (settings?.jitgateUrl && !input.value) input.value = settings.jitgateUrl;
  const session = (await browser.session.get([KEYS.session]))[KEYS.session] as SignedIn | undefined;
  byId('who').textContent = session?.username ?? '';
  byId('sign-out').hidden = !session;
  byId('status').textContent = session?.username
    ? `Connected to ${session.origin} as ${session.username}.`
    : 'Not connected.';
}

function start(browser: BrowserApi) {
  browser.onStorageChanged((changes, area) => {
    if (area === 'session' && KEYS.session in changes) void show(browser);
  });
  byId('connect-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const url = byId<HTMLInputElement>('jitgate-url').value.trim();
    let pattern: string | undefined;
    try {
      pattern = originPattern(new URL(url).origin);
    } catch {
      pattern = undefined;
    }
    if (!pattern) return void (byId('status').textContent = 'That is not an http(s) URL.');
    void browser.permissions
      .request([pattern])
      .catch(() => false)
      .then(async (granted) => {
        if (!granted)
          return void (byId('status').textContent = 'jitgate needs access to that site.');
        const reply = (await browser.sendMessage({
          command: 'auth.begin',
          jitgateUrl: url,
        })) as Reply;
        byId('status').textContent = reply.ok
          ? 'Confirm in the jitgate tab that opened.'
          : reply.error;
      });
  });
  byId('sign-out').addEventListener('click', () => {
    void browser.sendMessage({ command: 'auth.signOut' }).then(() => show(browser));
  });
  void show(browser);
}

start(realBrowser());
