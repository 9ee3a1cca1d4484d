// A person going to a page versus a page's own background request, as the gateway's answers and
// the portal's one-shot flash tell them apart.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { isBackgroundRequest, isNavigation } from '../../../proxy/shared/navigation.js';

const req = (headers: Record<string, string>, method = 'GET') =>
  ({ method, headers }) as unknown as IncomingMessage;

void describe('navigation or background request', () => {
  void test('fetch metadata decides when the browser sends it', () => {
    const navigate = req({ 'sec-fetch-mode': 'navigate', accept: 'text/html' });
    assert.equal(isNavigation(navigate), true);
    assert.equal(isBackgroundRequest(navigate), false);
    // The portal script's re-fetch asks for HTML too; it is still a script's request.
    const fetched = req({ 'sec-fetch-mode': 'cors', accept: 'text/html' });
    assert.equal(isNavigation(fetched), false);
    assert.equal(isBackgroundRequest(fetched), true);
    assert.equal(isBackgroundRequest(req({ 'sec-fetch-mode': 'no-cors' })), true);
  });

  void test('without fetch metadata, a script marks itself and other clients are navigations', () => {
    const marked = req({ 'x-requested-with': 'jitgate-portal', accept: 'text/html' });
    assert.equal(isBackgroundRequest(marked), true);
    assert.equal(isNavigation(marked), false);
    // A command-line client or an old browser: the flash is for it, the page is its answer.
    assert.equal(isBackgroundRequest(req({ accept: '*/*' })), false);
    assert.equal(isNavigation(req({ accept: 'text/html,*/*' })), true);
    assert.equal(isNavigation(req({ accept: 'application/json' })), false);
  });

  void test('only GET and HEAD navigate', () => {
    assert.equal(isNavigation(req({ 'sec-fetch-mode': 'navigate' }, 'POST')), false);
    assert.equal(isNavigation(req({ 'sec-fetch-mode': 'navigate' }, 'HEAD')), true);
  });
});
