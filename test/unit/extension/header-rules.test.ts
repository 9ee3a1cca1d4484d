/** The declarativeNetRequest rule that carries a session credential, and its refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildHeaderRule,
  CARRIED_TYPES,
  nextRuleId,
  originPattern,
} from '../../../extension/shared/header-rules.js';

const credential = {
  origin: 'http://payroll.localhost:8080',
  header: 'X-Jitgate-Grant-Credential',
  value: 'jgc1.payload.signature-0123456789',
};

void describe('header rules', () => {
  it('sets the header on exactly the app origin, for requests the app’s tabs start', () => {
    assert.deepEqual(buildHeaderRule(3, credential, [7, 12]), {
      id: 3,
      priority: 1,
      action: {
        type: 'modifyHeaders',
        requestHeaders: [{ header: credential.header, operation: 'set', value: credential.value }],
      },
      condition: {
        urlFilter: '|http://payroll.localhost:8080/',
        requestDomains: ['payroll.localhost'],
        initiatorDomains: ['payroll.localhost'],
        tabIds: [7, 12],
        resourceTypes: CARRIED_TYPES,
      },
    });
  });

  it('refuses anything doubtful', () => {
    const bad = [
      { ...credential, origin: 'http://payroll.localhost:8080/path' },
      { ...credential, origin: 'javascript:alert(1)' },
      { ...credential, origin: 'http://u:p@payroll.localhost:8080' },
      { ...credential, header: 'Cookie' },
      { ...credential, header: 'X-Jitgate-Grant-Credential\r\nX-Other' },
      { ...credential, value: 'short' },
      { ...credential, value: `${credential.value}\nInjected: yes` },
    ];
    for (const c of bad) assert.equal(buildHeaderRule(1, c, [7]), undefined, JSON.stringify(c));
    for (const id of [0, -1, 1.5, 2 ** 31])
      assert.equal(buildHeaderRule(id, credential, [7]), undefined);
    // No app tab is no rule (an empty tabIds is not "nowhere" to the browser); -1 is the id of
    // requests outside any tab (service workers), never an app tab.
    for (const tabs of [[], [-1], [7, 1.5]])
      assert.equal(buildHeaderRule(1, credential, tabs), undefined, JSON.stringify(tabs));
  });

  it('takes the smallest free rule id', () => {
    assert.equal(nextRuleId([]), 1);
    assert.equal(nextRuleId([1, 2, 4]), 3);
  });

  it('makes host patterns without ports, and none for non-http origins', () => {
    assert.equal(originPattern('http://payroll.localhost:8080'), 'http://payroll.localhost/*');
    assert.equal(originPattern('https://app.example'), 'https://app.example/*');
    assert.equal(originPattern('file:///x'), undefined);
  });
});
