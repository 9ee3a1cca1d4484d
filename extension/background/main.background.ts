/**
 * The service worker's entry: builds the parts around the one BrowserApi and registers every
 * listener synchronously, at the top level, as MV3 requires for a worker woken by an event.
 * Nothing it knows lives in module variables: state is in storage.session, and each wake-up
 * (start, alarm, message) refreshes from the proxy and reopens the event stream.
 */
import { realBrowser } from '../browser-api.js';
import { Auth } from './auth.background.js';
import { pageActions, type ActionDeps } from './actions.background.js';
import { Carrier } from './carry.background.js';
import { JitgateClient } from './client.background.js';
import { contentActions } from './content-actions.background.js';
import { EventStream } from './events.background.js';
import { createRouter } from './router.background.js';
import { Store } from './store.background.js';
import { Sync } from './sync.background.js';

const SYNC_ALARM = 'sync';

function start() {
  const browser = realBrowser();
  const store = new Store(browser);
  const parts: { auth?: Auth; stream?: EventStream } = {};
  // A 401 that a refresh cannot mend: forget the sign-in (the proxy already did).
  const signedOut = async () => {
    parts.stream?.stop();
    await parts.auth?.signOut(false);
  };
  const client = new JitgateClient(store, signedOut);
  const carrier = new Carrier(browser, store, (grant) =>
    client.call('POST', `/grants/${grant}/session-credential`, {}),
  );
  const sync = new Sync(browser, store, client, carrier);
  const refresh = () => void sync.refresh().catch(() => undefined);
  const stream = new EventStream(client, refresh);
  const auth = new Auth(browser, store, client, carrier);
  Object.assign(parts, { auth, stream });

  const deps: ActionDeps = { browser, store, client, auth, sync, carrier, stream };
  const route = createRouter(browser.extensionId, browser.extensionUrl('/'), {
    page: pageActions(deps),
    content: contentActions(deps, browser.extensionId),
  });
  browser.onMessage((message, sender) => route(message, sender));

  const wake = () => {
    refresh();
    void store.signedIn().then((session) => session && stream.ensure());
  };
  browser.alarms.onAlarm((name) => {
    if (name.startsWith('grant-end:')) void carrier.drop(name.slice('grant-end:'.length));
    wake();
  });
  browser.permissions.onAdded(wake);
  browser.tabs.onChanged(() => void carrier.retarget().catch(() => undefined));
  browser.onStartup(() => void browser.alarms.create(SYNC_ALARM, { periodInMinutes: 1 }));
  void browser.alarms.create(SYNC_ALARM, { periodInMinutes: 1 });
  wake();
}

start();
