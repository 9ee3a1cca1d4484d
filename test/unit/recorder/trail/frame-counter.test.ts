// Counting WebSocket messages from the bytes of a tunnel: frames split across chunks or packed
// into one, masked (client) and unmasked (server), 16- and 64-bit lengths; control frames and
// continuations are not messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FrameCounter } from '../../../../recorder/trail/index.js';

/** One frame: FIN set unless `fin` is false; masked with a fixed key when `masked`. */
function frame(opcode: number, payload: Buffer, masked: boolean, fin = true): Buffer {
  const len = payload.length;
  const head = [(fin ? 0x80 : 0) | opcode];
  const mask = masked ? 0x80 : 0;
  if (len < 126) head.push(mask | len);
  else if (len < 65536) head.push(mask | 126, len >> 8, len & 0xff);
  else {
    head.push(mask | 127, 0, 0, 0, 0);
    head.push((len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  }
  const key = masked ? Buffer.from([1, 2, 3, 4]) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from(head), key, payload]);
}

const text = (s: string, masked = false) => frame(1, Buffer.from(s), masked);

void describe('FrameCounter', () => {
  void test('counts text and binary messages packed into one chunk', () => {
    const counter = new FrameCounter();
    const bytes = Buffer.concat([text('a'), frame(2, Buffer.alloc(10), false), text('bc')]);
    counter.push(bytes);
    assert.equal(counter.messages, 3);
    assert.equal(counter.bytes, bytes.length);
  });

  void test('frames split anywhere, even inside the header, count once', () => {
    const bytes = Buffer.concat([
      text('hello', true),
      frame(1, Buffer.alloc(300, 1), true),
      frame(2, Buffer.alloc(70_000, 2), true),
      text('x', true),
    ]);
    for (const size of [1, 2, 3, 7, 1000]) {
      const counter = new FrameCounter();
      for (let i = 0; i < bytes.length; i += size) counter.push(bytes.subarray(i, i + size));
      assert.equal(counter.messages, 4, `chunks of ${size}`);
    }
  });

  void test('payload bytes that look like headers are skipped, not parsed', () => {
    const counter = new FrameCounter();
    counter.push(frame(2, Buffer.concat([text('fake'), text('fake')]), false));
    assert.equal(counter.messages, 1);
  });

  void test('control frames and continuations are not messages', () => {
    const counter = new FrameCounter();
    counter.push(
      Buffer.concat([
        frame(9, Buffer.from('ping'), false),
        frame(10, Buffer.from('pong'), false),
        frame(1, Buffer.from('frag'), false, false),
        frame(0, Buffer.from('ment'), false, false),
        frame(0, Buffer.from('ed'), false, true),
        frame(8, Buffer.from([0x03, 0xe8]), false),
      ]),
    );
    assert.equal(counter.messages, 1, 'one fragmented text message');
  });
});
