// The asciicast writer: valid v2 lines, batched writes at most flushMs apart, backpressure past
// the high-water mark, a bounded queue, a failure reported once, and a checksum of every byte.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CastWriter,
  parseCast,
  type CastFile,
  type CastHeader,
} from '../../../../recorder/asciicast/index.js';

const header: CastHeader = { version: 2, width: 80, height: 24, timestamp: 1_700_000_000 };

class MemoryFile implements CastFile {
  chunks: Buffer[] = [];
  fail = false;
  slow: Promise<void> | undefined;
  async write(data: Buffer) {
    if (this.fail) throw new Error('EIO');
    await this.slow;
    this.chunks.push(data);
  }
  async sync() {}
  async close() {}
  get text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const clock = (start = 1_000) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

void describe('CastWriter', () => {
  it('writes the header at once, events in batches, and a checksum of the whole file', async () => {
    const file = new MemoryFile();
    const time = clock();
    const errors: Error[] = [];
    const writer = await CastWriter.start({
      file,
      header,
      now: time.now,
      flushMs: 50,
      onError: (e) => errors.push(e),
    });
    assert.equal(file.chunks.length, 1, 'the header is written before the session starts');
    time.advance(500);
    assert.equal(writer.output('hello\r\n'), true);
    time.advance(250);
    writer.resize(100, 30);
    writer.input('ls\r');
    writer.marker('checkpoint');
    assert.equal(file.chunks.length, 1, 'events wait for the batch');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(file.chunks.length, 2, 'one batch, within flushMs');
    const closed = await writer.close();
    const cast = parseCast(file.text);
    assert.deepEqual(cast.header, header);
    assert.deepEqual(cast.events, [
      [0.5, 'o', 'hello\r\n'],
      [0.75, 'r', '100x30'],
      [0.75, 'i', 'ls\r'],
      [0.75, 'm', 'checkpoint'],
    ]);
    assert.equal(closed.sha256, createHash('sha256').update(file.text).digest('hex'));
    assert.equal(closed.bytes, Buffer.byteLength(file.text));
    assert.deepEqual(errors, []);
  });

  it('never lets time run backwards, even when the clock does', async () => {
    const file = new MemoryFile();
    const time = clock();
    const writer = await CastWriter.start({
      file,
      header,
      now: time.now,
      onError: () => undefined,
    });
    time.advance(1000);
    writer.output('a');
    time.advance(-500);
    writer.output('b');
    await writer.close();
    assert.deepEqual(
      parseCast(file.text).events.map((e) => e[0]),
      [1, 1],
    );
  });

  it('asks the caller to slow down past the high-water mark and says when it drained', async () => {
    const file = new MemoryFile();
    let drained = 0;
    const writer = await CastWriter.start({
      file,
      header,
      now: Date.now,
      highWaterMark: 1000,
      onError: () => undefined,
      onDrain: () => drained++,
    });
    let release = () => {};
    file.slow = new Promise((r) => (release = r));
    const answers = Array.from({ length: 30 }, () => writer.output('x'.repeat(100)));
    assert.ok(answers.includes(false), 'backpressure');
    assert.equal(writer.congested, true);
    release();
    await writer.flush();
    assert.equal(drained, 1);
    assert.equal(writer.congested, false);
    await writer.close();
  });

  it('fails once, instead of growing, when it falls too far behind', async () => {
    const file = new MemoryFile();
    const errors: Error[] = [];
    const writer = await CastWriter.start({
      file,
      header,
      now: Date.now,
      highWaterMark: 100,
      limit: 1000,
      onError: (e) => errors.push(e),
    });
    file.slow = new Promise(() => undefined); // the disk stops answering
    for (let i = 0; i < 50; i++) writer.output('y'.repeat(100));
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /behind/);
    assert.equal(writer.output('more'), false);
  });

  it('reports a write error and refuses to seal the file', async () => {
    const file = new MemoryFile();
    const errors: Error[] = [];
    const writer = await CastWriter.start({
      file,
      header,
      now: Date.now,
      flushMs: 10,
      onError: (e) => errors.push(e),
    });
    file.fail = true;
    writer.output('lost');
    await writer.flush();
    assert.equal(errors.length, 1);
    await assert.rejects(writer.close(), /EIO/);
  });

  it('refuses to start when the header cannot be written', async () => {
    const file = new MemoryFile();
    file.fail = true;
    await assert.rejects(
      CastWriter.start({ file, header, now: Date.now, onError: () => undefined }),
      /EIO/,
    );
  });
});
