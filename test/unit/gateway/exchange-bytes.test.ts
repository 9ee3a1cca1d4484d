// Counting an exchange's body bytes for the trail without touching the fast path: Content-Length
// when the app sends one, counted writes only for chunked answers, nothing for bodiless answers,
// and "unknown" (-1) for a Content-Length answer that was cut short.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import {
  bytesOut,
  countResponse,
  newExchangeBytes,
} from '../../../proxy/gateway/exchange-bytes.js';

const req = (method: string) => ({ method }) as IncomingMessage;

function response(finished: boolean) {
  const written: unknown[] = [];
  const res = {
    writableFinished: finished,
    write(chunk: unknown) {
      written.push(chunk);
      return true;
    },
  };
  return { res: res as unknown as ServerResponse, written };
}

void describe('exchange bytes', () => {
  void test('Content-Length is taken as is, and write is left alone', () => {
    const { res } = response(true);
    const own = () => Object.getOwnPropertyDescriptor(res, 'write')?.value as unknown;
    const original = own();
    const bytes = newExchangeBytes();
    countResponse(req('GET'), res, 200, { 'content-length': '1024' }, bytes);
    assert.equal(bytesOut(bytes, res), 1024);
    assert.equal(own(), original, 'no per-chunk work');
  });

  void test('a chunked answer is counted as it is written, buffers and strings alike', () => {
    const { res, written } = response(true);
    const bytes = newExchangeBytes();
    countResponse(req('POST'), res, 200, {}, bytes);
    res.write(Buffer.alloc(10));
    res.write('héllo');
    assert.equal(written.length, 2, 'the writes still reach the response');
    assert.equal(bytesOut(bytes, res), 16);
  });

  void test('HEAD, 204 and 304 answers have no body whatever their headers say', () => {
    for (const [method, status] of [
      ['HEAD', 200],
      ['GET', 204],
      ['GET', 304],
    ] as const) {
      const { res } = response(true);
      const bytes = newExchangeBytes();
      countResponse(req(method), res, status, { 'content-length': '99' }, bytes);
      assert.equal(bytesOut(bytes, res), 0, `${method} ${status}`);
    }
  });

  void test('a cut Content-Length answer is unknown; no answer at all is 0', () => {
    const { res } = response(false);
    const bytes = newExchangeBytes();
    countResponse(req('GET'), res, 200, { 'content-length': '5000' }, bytes);
    assert.equal(bytesOut(bytes, res), -1);
    assert.equal(bytesOut(newExchangeBytes(), res), 0);
  });
});
