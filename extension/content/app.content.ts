/**
 * Runs on the origins of apps jitgate fronts (registered at run time for the origins the person
 * let the extension reach), in the top frame only. Three jobs: on the app's open page (the
 * extension's Open) it continues to the app once the worker says the credential rule covers this
 * tab; on jitgate's 403 page it offers "Request access" in place (denied-panel.ts); on an app's
 * login page it asks the worker for the grant's login and fills and submits the form. The worker decides both by the sender's exact
 * origin and frame; this script re-checks that it is the top frame and never shows the password.
 * It marks the outcome on <html data-jitgate-login> so people and tests can see what happened.
 */
import { contentBrowser } from '../browser-api.js';
import type { LoginFill, Reply } from '../shared/messages.js';
import { showDeniedPanel } from './denied-panel.js';

const browser = contentBrowser();
const ask = (message: object) =>
  browser.sendMessage(message).catch(() => undefined) as Promise<Reply<LoginFill> | undefined>;

function setValue(input: HTMLInputElement, value: string) {
  // The native setter, so frameworks that track the value see the change.
  const descriptor = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its own receiver
  if (descriptor?.set) Reflect.apply(descriptor.set, input, [value]);
  else input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

async function fillLogin(): Promise<void> {
  if (!document.querySelector('input[type="password"]')) return;
  const origin = location.origin;
  const reply = await ask({ command: 'content.login' });
  const mark = (outcome: string) => (document.documentElement.dataset.jitgateLogin = outcome);
  if (!reply?.ok || !reply.fill || !reply.selectors || !reply.username || !reply.password)
    return void mark('refused');
  const user = document.querySelector(reply.selectors.username);
  const pass = document.querySelector(reply.selectors.password);
  const submit = document.querySelector(reply.selectors.submit);
  const sameForm =
    user instanceof HTMLInputElement &&
    pass instanceof HTMLInputElement &&
    pass.type === 'password' &&
    submit instanceof HTMLElement &&
    user.form !== null &&
    user.form === pass.form;
  // The page could have navigated while we asked: fill only where we asked from.
  if (!sameForm || location.origin !== origin || window.top !== window) return void mark('refused');
  setValue(user, reply.username);
  setValue(pass, reply.password);
  mark('filled');
  submit.click();
}

/**
 * The open page waits for the worker instead of refreshing by itself: a refresh could leave
 * before the rule that carries the credential is in, and reach the app signed out. Whatever the
 * worker answers, the person asked to open the app: continue (within this app only).
 */
async function continueOpening(marker: HTMLMetaElement): Promise<void> {
  await ask({ command: 'content.open' });
  const to = new URL(marker.content, location.origin);
  if (to.origin === location.origin) location.replace(to.href);
}

if (window.top === window) {
  const opening = document.querySelector<HTMLMetaElement>('meta[name="jitgate-open"]');
  const marker = document.querySelector<HTMLMetaElement>('meta[name="jitgate-denied"]');
  if (opening) void continueOpening(opening);
  else if (marker) void showDeniedPanel(browser, marker.content);
  else void fillLogin();
}
