// HAR 1.2 and JSON-lines exports of a trail: every field HAR 1.2 requires is present with the
// right type (checked against the spec's list), URLs carry the redacted query, and the streamed
// HAR frame joins into the same document as toHar.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  harEntry,
  harFrame,
  toHar,
  toJsonLines,
  type TrailRecord,
} from '../../../../recorder/trail/index.js';

const base: TrailRecord = {
  time: Date.UTC(2025, 2, 1, 12, 0, 0, 123),
  grantId: 'grt_abcdefgh1234',
  userId: 'vendors:vic',
  resourceId: 'payroll',
  kind: 'http',
  method: 'GET',
  path: '/salaries',
  query: 'page=2&token=REDACTED',
  status: 200,
  bytesIn: 0,
  bytesOut: 1024,
  durationMs: 12.5,
  upstream: 'http://127.0.0.1:9000',
  clientAddress: '127.0.0.1',
  userAgent: 'Mozilla/5.0',
  wsMessagesIn: 0,
  wsMessagesOut: 0,
  ended: 'complete',
};
const post: TrailRecord = {
  ...base,
  method: 'POST',
  path: '/echo',
  query: '',
  bytesIn: 30,
  body: { contentType: 'application/json', size: 30, text: '{"password":"REDACTED"}' },
};
const socket: TrailRecord = {
  ...base,
  kind: 'websocket',
  path: '/ws/echo',
  query: '',
  status: 101,
  wsMessagesIn: 3,
  wsMessagesOut: 3,
};
const records = [base, post, socket];
const options = { origin: () => 'http://payroll.localhost:8080', creatorVersion: '0.1.0' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The required fields of HAR 1.2 objects and their JSON types. */
const REQUIRED: Record<string, Record<string, string>> = {
  log: { version: 'string', creator: 'object', entries: 'array' },
  creator: { name: 'string', version: 'string' },
  entry: {
    startedDateTime: 'string',
    time: 'number',
    request: 'object',
    response: 'object',
    cache: 'object',
    timings: 'object',
  },
  request: {
    method: 'string',
    url: 'string',
    httpVersion: 'string',
    cookies: 'array',
    headers: 'array',
    queryString: 'array',
    headersSize: 'number',
    bodySize: 'number',
  },
  response: {
    status: 'number',
    statusText: 'string',
    httpVersion: 'string',
    cookies: 'array',
    headers: 'array',
    content: 'object',
    redirectURL: 'string',
    headersSize: 'number',
    bodySize: 'number',
  },
  content: { size: 'number', mimeType: 'string' },
  timings: { send: 'number', wait: 'number', receive: 'number' },
  postData: { mimeType: 'string' },
};

function check(kind: string, value: unknown): Json {
  assert.ok(isObject(value), `${kind} is an object`);
  for (const [field, type] of Object.entries(REQUIRED[kind] ?? {})) {
    const item: unknown = value[field];
    const actual: string = Array.isArray(item) ? 'array' : typeof item;
    assert.equal(actual, type, `${kind}.${field} is a ${type}`);
  }
  return value;
}

/** Every required field of the HAR 1.2 spec, and the constraints on a few of them. */
function validateHar(har: unknown): void {
  assert.ok(isObject(har));
  const log = check('log', har.log);
  assert.equal(log.version, '1.2');
  check('creator', log.creator);
  for (const item of log.entries as unknown[]) {
    const entry = check('entry', item);
    assert.ok(!Number.isNaN(Date.parse(entry.startedDateTime as string)), 'ISO 8601 start');
    const request = check('request', entry.request);
    if (request.postData !== undefined) check('postData', request.postData);
    check('content', check('response', entry.response).content);
    const timings = check('timings', entry.timings);
    for (const phase of ['send', 'wait', 'receive']) assert.ok((timings[phase] as number) >= 0);
    for (const field of Object.keys(entry).filter((k) => !(k in (REQUIRED.entry ?? {}))))
      assert.ok(
        field.startsWith('_') ||
          ['serverIPAddress', 'connection', 'comment', 'pageref'].includes(field),
        `${field} is a HAR field or custom (_)`,
      );
  }
}

void describe('HAR export', () => {
  void test('toHar produces a valid HAR 1.2 document, one entry per record in order', () => {
    const har = toHar(records, options);
    validateHar(JSON.parse(JSON.stringify(har)));
    assert.deepEqual(
      har.log.entries.map((e) => e.request.url),
      [
        'http://payroll.localhost:8080/salaries?page=2&token=REDACTED',
        'http://payroll.localhost:8080/echo',
        'http://payroll.localhost:8080/ws/echo',
      ],
    );
  });

  void test('entries carry the query, the redacted body, status and trail facts', () => {
    const get = harEntry(base, 'http://payroll.localhost:8080');
    assert.deepEqual(get.request.queryString, [
      { name: 'page', value: '2' },
      { name: 'token', value: 'REDACTED' },
    ]);
    assert.equal(get.startedDateTime, '2025-03-01T12:00:00.123Z');
    assert.equal(get.response.statusText, 'OK');
    assert.equal(get._grant, 'grt_abcdefgh1234');
    assert.deepEqual(get.request.headers, [{ name: 'User-Agent', value: 'Mozilla/5.0' }]);
    const withBody = harEntry(post, '');
    assert.deepEqual(withBody.request.postData, {
      mimeType: 'application/json',
      text: '{"password":"REDACTED"}',
    });
    const ws = harEntry(socket, '');
    assert.equal(ws._kind, 'websocket');
    assert.equal(ws._wsMessagesIn, 3);
  });

  void test('how an exchange ended rides along, and a cut one says so in its comment', () => {
    assert.equal(harEntry(base, '')._ended, 'complete');
    const cut = harEntry({ ...base, ended: 'cut' }, '');
    assert.equal(cut._ended, 'cut');
    assert.match(cut.comment ?? '', /cut/);
    assert.equal(harEntry(base, '').comment, undefined);
  });

  void test('an unknown response size stays -1 in bodySize and 0 in content.size', () => {
    const entry = harEntry({ ...base, bytesOut: -1 }, '');
    assert.equal(entry.response.bodySize, -1);
    assert.equal(entry.response.content.size, 0);
  });

  void test('the streaming frame around joined entries is the same document', () => {
    const { opening, closing } = harFrame(options);
    const streamed =
      opening +
      records.map((r) => JSON.stringify(harEntry(r, options.origin()))).join(',') +
      closing;
    assert.deepEqual(JSON.parse(streamed), JSON.parse(JSON.stringify(toHar(records, options))));
    const empty = JSON.parse(opening + closing) as { log: { entries: unknown[] } };
    assert.deepEqual(empty.log.entries, []);
  });
});

void describe('JSON-lines export', () => {
  void test('one JSON object per line, ISO times, everything else as recorded', () => {
    const text = toJsonLines(records);
    assert.ok(text.endsWith('\n'));
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0], { ...base, time: '2025-03-01T12:00:00.123Z' });
    assert.deepEqual((lines[1] as Json).body, post.body);
    assert.equal(toJsonLines([]), '');
  });
});
