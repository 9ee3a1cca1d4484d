// Bulk terminal output is handed on in fewer, larger pieces: a full pty read is held briefly, a
// short one (an echo, a prompt, the end of a burst) goes out at once with what was held, nothing
// is held past GATHER_MS or GATHER_LIMIT, and order is kept.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import {
  FULL_READ,
  GATHER_LIMIT,
  GATHER_MS,
  OutputGatherer,
} from '../../../proxy/terminal/output-gatherer.js';

const full = (c: string) => c.repeat(FULL_READ);

function gatherer() {
  const out: string[] = [];
  return { g: new OutputGatherer((data) => out.push(data)), out };
}

void describe('OutputGatherer', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('hands a short read on at once', () => {
    const { g, out } = gatherer();
    g.push('a');
    assert.deepEqual(out, ['a']);
  });

  it('holds full reads and hands them on with the short read that ends the burst', () => {
    const { g, out } = gatherer();
    g.push(full('a'));
    g.push(full('b'));
    assert.deepEqual(out, []);
    g.push('$ ');
    assert.deepEqual(out, [full('a') + full('b') + '$ ']);
  });

  it('holds nothing longer than GATHER_MS', () => {
    const { g, out } = gatherer();
    g.push(full('a'));
    mock.timers.tick(GATHER_MS - 1);
    assert.deepEqual(out, []);
    mock.timers.tick(1);
    assert.deepEqual(out, [full('a')]);
    mock.timers.tick(GATHER_MS);
    assert.equal(out.length, 1);
  });

  it('holds nothing past GATHER_LIMIT characters', () => {
    const { g, out } = gatherer();
    const reads = Math.ceil(GATHER_LIMIT / FULL_READ);
    for (let i = 0; i < reads; i++) g.push(full(String(i % 10)));
    assert.equal(out.length, 1);
    assert.equal(out[0]?.length, reads * FULL_READ);
  });

  it('flush hands on what is held, and nothing when nothing is', () => {
    const { g, out } = gatherer();
    g.flush();
    g.push(full('a'));
    g.flush();
    g.flush();
    mock.timers.tick(GATHER_MS);
    assert.deepEqual(out, [full('a')]);
  });
});
