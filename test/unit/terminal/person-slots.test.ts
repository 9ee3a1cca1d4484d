// A person's terminal slots: taken up to the bound, refused past it with 429
// too_many_terminals, and each given back exactly once however often its end is reported.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PersonSlots } from '../../../proxy/terminal/person-slots.js';
import { JitgateError } from '../../../proxy/shared/errors.js';

const refusal = (take: () => unknown) =>
  assert.throws(take, (error: unknown) => {
    assert.ok(error instanceof JitgateError);
    assert.deepEqual([error.status, error.code], [429, 'too_many_terminals']);
    return true;
  });

void describe('person slots', () => {
  test('bounds each person on their own', () => {
    const slots = new PersonSlots(2);
    slots.take('alice');
    slots.take('alice');
    refusal(() => slots.take('alice'));
    slots.take('bob');
    assert.deepEqual([slots.count('alice'), slots.count('bob')], [2, 1]);
  });

  test('a slot given back twice counts once', () => {
    const slots = new PersonSlots(2);
    const first = slots.take('alice');
    slots.take('alice');
    first();
    first();
    assert.equal(slots.count('alice'), 1);
    slots.take('alice');
    refusal(() => slots.take('alice'));
  });
});
