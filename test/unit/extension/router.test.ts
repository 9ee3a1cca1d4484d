/**
 * The worker's message router: a sender may only name the commands of its kind. Content
 * scripts cannot send page commands, frames and other extensions are refused, only the callback
 * page finishes a sign-in, and malformed commands never reach a handler.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRouter } from '../../../extension/background/router.background.js';
import type { MessageSender } from '../../../extension/shared/browser.js';
import { parseContentCommand, parsePageCommand } from '../../../extension/shared/messages.js';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const BASE = `chrome-extension://${ID}/`;

function router() {
  const seen: string[] = [];
  const route = createRouter(ID, BASE, {
    page: async (c) => (seen.push(`page:${c.command}`), { ok: true }),
    content: async (c) => (seen.push(`content:${c.command}`), { ok: true }),
  });
  return { route, seen };
}

const popup: MessageSender = { id: ID, url: `${BASE}popup.html` };
const content: MessageSender = {
  id: ID,
  url: 'http://payroll.localhost:8080/',
  frameId: 0,
  tab: { id: 1 },
};

void describe('message router', () => {
  it('sends page commands from our pages and content commands from top frames', async () => {
    const { route, seen } = router();
    assert.deepEqual(await route({ command: 'state.refresh' }, popup), { ok: true });
    assert.deepEqual(await route({ command: 'content.login' }, content), { ok: true });
    assert.deepEqual(await route({ command: 'content.open' }, content), { ok: true });
    assert.deepEqual(seen, ['page:state.refresh', 'content:content.login', 'content:content.open']);
  });

  it('refuses page commands from content scripts, frames and other extensions', async () => {
    const { route, seen } = router();
    const refused = [
      [{ command: 'auth.signOut' }, content],
      [{ command: 'access.release', grant: 'grt_aaaaaaaaaaaa' }, content],
      [{ command: 'content.login' }, { ...content, frameId: 2 }],
      [{ command: 'content.login' }, { ...content, tab: undefined }],
      [{ command: 'state.refresh' }, { ...popup, id: 'another-extension' }],
      [{ command: 'state.refresh' }, {}],
    ] as const;
    for (const [message, sender] of refused) {
      const reply = await route(message, sender);
      assert.equal(reply.ok, false, JSON.stringify({ message, sender }));
    }
    assert.deepEqual(seen, []);
  });

  it('lets only the callback page finish a sign-in', async () => {
    const { route, seen } = router();
    const complete = { command: 'auth.complete', code: 'c0de', state: 's7ate' };
    assert.equal((await route(complete, popup)).ok, false);
    assert.equal((await route(complete, { id: ID, url: `${BASE}callback.html` })).ok, true);
    assert.deepEqual(seen, ['page:auth.complete']);
  });
});

void describe('command parsers', () => {
  it('refuse malformed commands', () => {
    for (const bad of [
      null,
      'state.refresh',
      [],
      { command: 'nope' },
      { command: 'access.release', grant: 'req_aaaaaaaaaaaa' },
      { command: 'access.request', resource: 'Payroll!', duration: '30m' },
      { command: 'approval.decide', request: 'req_aaaaaaaaaaaa', decision: 'maybe' },
      { command: 'auth.begin', jitgateUrl: 7 },
    ])
      assert.equal(parsePageCommand(bad), undefined, JSON.stringify(bad));
    assert.equal(parseContentCommand({ command: 'content.denied', resource: '../x' }), undefined);
    assert.equal(parseContentCommand({ command: 'auth.signOut' }), undefined);
  });

  it('accept well-formed ones', () => {
    assert.deepEqual(
      parsePageCommand({
        command: 'access.request',
        resource: 'payroll',
        reason: 'r',
        duration: '30m',
      }),
      { command: 'access.request', resource: 'payroll', reason: 'r', duration: '30m', ticket: '' },
    );
  });
});
