import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InFlight } from '../../../proxy/shared/in-flight.js';

describe('InFlight', () => {
  it('holds what was added until it is removed by its slot', () => {
    const inFlight = new InFlight<string>();
    const a = inFlight.add('a');
    const b = inFlight.add('b');
    const c = inFlight.add('c');
    inFlight.remove(b, 'b');
    assert.equal(inFlight.size, 2);
    assert.deepEqual([...inFlight].sort(), ['a', 'c']);
    inFlight.remove(a, 'a');
    inFlight.remove(c, 'c');
    assert.equal(inFlight.size, 0);
    assert.deepEqual([...inFlight], []);
  });

  it('reuses a freed slot, and a stale remove cannot take out its new holder', () => {
    const inFlight = new InFlight<object>();
    const first = {};
    const keep = {};
    inFlight.add(keep);
    const slot = inFlight.add(first);
    inFlight.remove(slot, first);
    const second = {};
    assert.equal(inFlight.add(second), slot);
    inFlight.remove(slot, first); // the first one's remove, again
    inFlight.remove(slot, first);
    assert.equal(inFlight.size, 2);
    assert.deepEqual(new Set(inFlight), new Set([keep, second]));
  });

  it('lets items be removed while it is being iterated', () => {
    const inFlight = new InFlight<number>();
    const slots = [1, 2, 3, 4].map((n) => inFlight.add(n));
    const seen: number[] = [];
    for (const n of inFlight) {
      seen.push(n);
      inFlight.remove(slots[n - 1] ?? -1, n);
    }
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.equal(inFlight.size, 0);
  });

  it('starts afresh once drained, whatever a burst grew to', () => {
    const inFlight = new InFlight<number>();
    const slots = Array.from({ length: 1000 }, (_, n) => inFlight.add(n));
    slots.forEach((slot, n) => inFlight.remove(slot, n));
    assert.equal(inFlight.add(7), 0);
    assert.deepEqual([...inFlight], [7]);
  });
});
