/**
 * InstanceRepository: a process's heartbeat is its last moment known alive; forgetting it is
 * idempotent. Another replica reads the same heartbeats.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { T0, type ContractContext } from './context.js';

export function instanceContract(c: ContractContext): void {
  void describe('instances', () => {
    void test('beat records the last moment alive; forget drops it', async () => {
      const id = c.unique('ins');
      assert.equal(await c.store().instances.aliveAt(id), undefined);
      await c.store().instances.beat(id, T0);
      await c.store().instances.beat(id, T0 + 1000);
      assert.equal(await c.store().instances.aliveAt(id), T0 + 1000);
      await c.store().instances.forget(id);
      assert.equal(await c.store().instances.aliveAt(id), undefined);
      await c.store().instances.forget(id);
    });

    void test('one replica reads another’s beats', async () => {
      const id = c.unique('ins');
      await c.store().instances.beat(id, T0 + 5);
      const other = c.replica() ?? c.store();
      assert.equal(await other.instances.aliveAt(id), T0 + 5);
      await other.instances.beat(id, T0 + 7);
      assert.equal(await c.store().instances.aliveAt(id), T0 + 7);
    });
  });
}
