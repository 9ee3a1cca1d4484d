/**
 * "Request access" in place on jitgate's 403 page: a small panel in a closed shadow root (the
 * page's styles and scripts cannot reach into it) with a reason and a duration. Once the grant
 * is live the page reloads itself, as the app's own navigation, so the credential rides along.
 */
import type { BrowserApi } from '../shared/browser.js';
import type { DeniedInfo, Reply } from '../shared/messages.js';
import { durationChoices } from '../shared/views.js';

const POLL_MS = 1500;

export async function showDeniedPanel(
  browser: Pick<BrowserApi, 'sendMessage'>,
  resource: string,
): Promise<void> {
  const ask = async (message: object) =>
    (await browser.sendMessage(message).catch(() => undefined)) as
      Reply<{ info: DeniedInfo }> | undefined;
  const first = await ask({ command: 'content.denied', resource });
  if (!first?.ok) return;
  const host = document.createElement('div');
  host.id = 'jitgate-extension-panel';
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = `div{font:14px system-ui,sans-serif;border:2px solid #2456d3;border-radius:8px;padding:.8rem;margin:1rem 0}
label{display:block;margin:.3rem 0}button{background:#2456d3;color:#fff;border:0;border-radius:6px;padding:.4rem .8rem}`;
  const panel = document.createElement('div');
  const status = document.createElement('p');
  const reason = Object.assign(document.createElement('input'), {
    required: first.info.requireReason,
  });
  const duration = document.createElement('select');
  for (const choice of durationChoices(first.info.maxDurationMs))
    duration.append(
      Object.assign(document.createElement('option'), {
        value: choice.label,
        textContent: choice.label,
      }),
    );
  const button = Object.assign(document.createElement('button'), { textContent: 'Request access' });
  const label = (text: string, field: HTMLElement) => {
    const l = document.createElement('label');
    l.append(text, ' ', field);
    return l;
  };
  panel.append(
    `jitgate extension: ${first.info.name}`,
    label('Reason', reason),
    label('Duration', duration),
    button,
    status,
  );
  root.append(style, panel);
  document.body.prepend(host);

  const waitForGrant = async () => {
    const now = await ask({ command: 'content.denied', resource });
    if (now?.ok && now.info.state === 'active') return location.reload();
    if (now?.ok && now.info.state === 'denied') return void (status.textContent = 'Denied.');
    setTimeout(() => void waitForGrant(), POLL_MS);
  };
  if (first.info.state === 'pending') {
    status.textContent = 'Waiting for approval…';
    void waitForGrant();
  }
  button.addEventListener('click', () => {
    button.disabled = true;
    void ask({
      command: 'content.request',
      resource,
      reason: reason.value,
      duration: duration.value,
    }).then((reply) => {
      status.textContent = reply?.ok
        ? 'Requested. Waiting for approval…'
        : reply && !reply.ok
          ? reply.error
          : 'No answer.';
      if (reply?.ok) void waitForGrant();
      else button.disabled = false;
    });
  });
}
