import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveConnections } from '../../../proxy/gateway/live-connections.js';

describe('LiveConnections', () => {
  it('cuts every connection of a grant once, and counts them', () => {
    const live = new LiveConnections(() => true);
    const cut: string[] = [];
    const untracks = ['a', 'b', 'c'].map((name) => live.track('g1', () => cut.push(name)));
    live.track('g2', () => cut.push('other grant'));
    untracks[1]?.(); // b ended by itself
    assert.equal(live.count(), 3);
    assert.equal(live.closeGrant('g1'), 2);
    assert.deepEqual(cut.sort(), ['a', 'c']);
    assert.equal(live.closeGrant('g1'), 0);
    assert.equal(live.count(), 1);
  });

  it('an untrack after the grant was cut changes nothing, even for a later connection', () => {
    const live = new LiveConnections(() => true);
    const closers: string[] = [];
    // A connection's closer untracks itself, as the gateway's do.
    let untrackOld = () => {};
    untrackOld = live.track('g', () => {
      closers.push('old');
      untrackOld();
    });
    assert.equal(live.closeGrant('g'), 1);
    const untrackNew = live.track('g', () => closers.push('new'));
    untrackOld();
    assert.equal(live.count(), 1);
    untrackNew();
    assert.equal(live.count(), 0);
    assert.deepEqual(closers, ['old']);
  });

  it('cuts at once a connection tracked under a grant that has ended already', () => {
    // Admitted, then the grant ended while its headers were being made: closeGrant found nothing.
    const ended = new Set(['g-over']);
    const live = new LiveConnections((grantId) => !ended.has(grantId));
    const cut: string[] = [];
    assert.equal(live.closeGrant('g-over'), 0);
    const untrack = live.track('g-over', () => cut.push('late'));
    assert.deepEqual(cut, ['late']);
    assert.equal(live.count(), 0);
    untrack();
    live.track('g-live', () => cut.push('live'));
    assert.deepEqual(cut, ['late']);
    assert.equal(live.count(), 1);
  });
});
