// The gate imports undici's Pool from undici's own module file, not the index (which loads all
// of undici). That file is internal to undici: an upgrade that moves it or changes what it
// exports must fail here, not at a gate's start.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as undici from 'undici';
import { Pool } from '../../../proxy/gateway/undici-pool.js';

void describe('undici Pool without the index', () => {
  test('is the very class undici exports', () => {
    assert.equal(Pool, undici.Pool);
  });
});
