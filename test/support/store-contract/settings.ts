/** SettingRepository: the first value put is kept, also under concurrent puts. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContractContext } from './context.js';

export function settingContract(c: ContractContext): void {
  void describe('settings', () => {
    void test('get of an unknown name is undefined', async () => {
      assert.equal(await c.store().settings.get(c.unique('setting')), undefined);
    });

    void test('putIfAbsent stores the first value and keeps it', async () => {
      const name = c.unique('setting');
      assert.equal(await c.store().settings.putIfAbsent(name, 'first'), 'first');
      assert.equal(await c.store().settings.get(name), 'first');
      assert.equal(await c.store().settings.putIfAbsent(name, 'second'), 'first');
      assert.equal(await c.store().settings.get(name), 'first');
    });

    void test('concurrent putIfAbsent calls agree on one value', async () => {
      const name = c.unique('setting');
      const values = await Promise.all(
        ['a', 'b', 'c', 'd'].map((v) => c.store().settings.putIfAbsent(name, v)),
      );
      const stored = await c.store().settings.get(name);
      assert.ok(stored !== undefined && ['a', 'b', 'c', 'd'].includes(stored));
      assert.deepEqual(values, [stored, stored, stored, stored]);
    });

    void test('long and non-ASCII values round-trip', async () => {
      const name = c.unique('setting');
      const value = `{"kty":"EC","d":"${'x'.repeat(4096)}","note":"Zoë ✓"}`;
      assert.equal(await c.store().settings.putIfAbsent(name, value), value);
      assert.equal(await c.store().settings.get(name), value);
    });
  });
}
