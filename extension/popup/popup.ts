/**
 * The popup: renders the worker's snapshot from storage.session and re-renders when it changes
 * (the worker writes it on every event from the proxy). It holds no token: every action is a
 * message to the worker. Host permission for an app is asked here, inside the click, because
 * browsers only ask for permissions during a user gesture.
 */
import { realBrowser } from '../browser-api.js';
import type { BrowserApi } from '../shared/browser.js';
import type { PageCommand, Reply } from '../shared/messages.js';
import { KEYS, type Snapshot } from '../shared/state.js';
import { originPattern } from '../shared/header-rules.js';
import { render, showProblem, tick } from './render.js';

const KEEPALIVE_MS = 20_000;

class Popup {
  private snapshot: Snapshot | undefined;

  constructor(private readonly browser: BrowserApi) {}

  async start(): Promise<void> {
    this.browser.onStorageChanged((changes, area) => {
      if (area === 'session' && KEYS.snapshot in changes) void this.load();
    });
    document.body.addEventListener('click', (event) => this.onClick(event));
    document.body.addEventListener('submit', (event) => this.onSubmit(event));
    setInterval(() => tick(Date.now()), 1000);
    // While the popup is open the worker stays awake and its event stream open.
    setInterval(() => void this.send({ command: 'keepalive' }), KEEPALIVE_MS);
    await this.load();
    await this.send({ command: 'state.refresh' });
  }

  private async load() {
    const value = (await this.browser.session.get([KEYS.snapshot]))[KEYS.snapshot];
    this.snapshot = (value as Snapshot | undefined) ?? undefined;
    render(this.snapshot, Date.now());
  }

  private async send(command: PageCommand): Promise<Reply> {
    const reply = (await this.browser.sendMessage(command).catch(() => undefined)) as
      Reply | undefined;
    if (!reply) return { ok: false, error: 'the extension did not answer' };
    if (!reply.ok)
      showProblem(
        reply.code === 'mfa_required'
          ? 'Confirm with MFA in the tab that opened, then try again.'
          : reply.error,
      );
    return reply;
  }

  /** Asks for the app's host permission; granted ones resolve at once without a prompt. */
  private askForApp(resource: string): Promise<boolean> {
    const origin = this.snapshot?.resources.find((r) => r.id === resource)?.origin;
    const pattern = origin ? originPattern(origin) : undefined;
    if (!pattern) return Promise.resolve(false);
    return this.browser.permissions.request([pattern]).catch(() => false);
  }

  private onClick(event: Event) {
    const button = (event.target as HTMLElement).closest('button');
    if (!button) return;
    const data = button.dataset;
    if (button.id === 'sign-out') void this.send({ command: 'auth.signOut' });
    else if (data.open) {
      const resource = data.open;
      // Opened after the answer: the worker puts the credential rule in place only with it.
      void this.askForApp(resource).then(() => this.send({ command: 'access.open', resource }));
    } else if (data.release) void this.send({ command: 'access.release', grant: data.release });
    else if (data.decide && data.id) {
      const comment = button.closest('li')?.querySelector<HTMLInputElement>('input[name=comment]');
      void this.send({
        command: 'approval.decide',
        request: data.id,
        decision: data.decide === 'approve' ? 'approve' : 'deny',
        comment: comment?.value.trim() ?? '',
      });
    }
  }

  private onSubmit(event: Event) {
    const form = event.target as HTMLFormElement;
    const resource = form.dataset.request ?? form.dataset.breakGlass;
    if (!resource) return;
    event.preventDefault();
    void this.askForApp(resource);
    const field = (name: string) =>
      (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    const command: PageCommand = form.dataset.breakGlass
      ? {
          command: 'access.breakGlass',
          resource,
          incident: field('incident'),
          reason: field('reason'),
          duration: field('duration'),
        }
      : {
          command: 'access.request',
          resource,
          reason: field('reason'),
          duration: field('duration'),
          ticket: field('ticket'),
        };
    void this.send(command).finally(() => {
      if (button) button.disabled = false;
    });
  }
}

void new Popup(realBrowser()).start();
