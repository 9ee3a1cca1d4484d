// The JSON-lines logger: levels, child fields, and secrets masked wherever they appear.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger, type LoggerOptions } from '../../../proxy/shared/logger.js';

/** A logger writing into an array of parsed records. */
function capture(options: Omit<LoggerOptions, 'write'> = {}) {
  const records: Record<string, unknown>[] = [];
  const logger = createLogger({
    ...options,
    write: (line) => records.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, records };
}

const SECRET = 'SUPERSECRETVALUE';

void describe('logger', () => {
  void test('writes one JSON line with time, level, message and fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) });
    logger.info('hello', { user: 'corp:alice', count: 2 });
    assert.equal(lines.length, 1);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.match(String(record.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(
      { ...record, time: 'x' },
      { time: 'x', level: 'info', msg: 'hello', user: 'corp:alice', count: 2 },
    );
  });

  void test('drops records below the level', () => {
    const { logger, records } = capture({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    assert.deepEqual(
      records.map((r) => r.level),
      ['warn', 'error'],
    );
    assert.equal(logger.enabled('info'), false);
    assert.equal(logger.enabled('error'), true);
  });

  void test('the default level is info', () => {
    const { logger, records } = capture();
    logger.debug('d');
    logger.info('i');
    assert.equal(records.length, 1);
    assert.equal(logger.enabled('debug'), false);
  });

  void test('a child adds its fields to every record', () => {
    const { logger, records } = capture();
    const child = logger.child({ requestId: 'r1' }).child({ resource: 'payroll' });
    child.info('forwarded', { status: 200 });
    assert.equal(records[0]?.requestId, 'r1');
    assert.equal(records[0]?.resource, 'payroll');
    assert.equal(records[0]?.status, 200);
  });

  void test('errors are logged by name and message', () => {
    const { logger, records } = capture();
    logger.error('failed', { error: new TypeError('bad thing') });
    assert.deepEqual(records[0]?.error, { name: 'TypeError', message: 'bad thing' });
  });

  void test('errors keep their code and what caused them, all the way down', () => {
    const { logger, records } = capture();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
    });
    const both = new AggregateError([refused, new Error('connect ECONNREFUSED ::1:9')], 'all');
    const fetchFailed = new TypeError('fetch failed', { cause: both });
    logger.error('login failed', {
      error: new Error('idp "corp" unreachable', { cause: fetchFailed }),
    });
    assert.deepEqual(records[0]?.error, {
      name: 'Error',
      message: 'idp "corp" unreachable',
      cause: {
        name: 'TypeError',
        message: 'fetch failed',
        cause: {
          name: 'AggregateError',
          message: 'all',
          errors: [
            { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:9', code: 'ECONNREFUSED' },
            { name: 'Error', message: 'connect ECONNREFUSED ::1:9' },
          ],
        },
      },
    });
  });

  void test('an error that causes itself is logged once', () => {
    const { logger, records } = capture();
    const error: Error & { cause?: unknown } = new Error('loop');
    error.cause = error;
    logger.error('x', { error });
    assert.deepEqual(records[0]?.error, {
      name: 'Error',
      message: 'loop',
      cause: { name: 'Error', message: 'loop' },
    });
  });

  void test('masks token, secret, password, cookie, authorization and assertion keys', () => {
    const { logger, records } = capture();
    const keys = [
      'token',
      'accessToken',
      'id_token',
      'REFRESH_TOKEN',
      'secret',
      'clientSecret',
      'password',
      'Password',
      'cookie',
      'Set-Cookie',
      'authorization',
      'Authorization',
      'proxyAuthorization',
      'assertion',
      'code_verifier',
    ];
    logger.info('secrets', Object.fromEntries(keys.map((k) => [k, SECRET])));
    const record = records[0] ?? {};
    for (const key of keys) assert.equal(record[key], '[redacted]', key);
    assert.ok(!JSON.stringify(records).includes(SECRET));
  });

  void test('masks secrets in child fields too', () => {
    const { logger, records } = capture();
    logger.child({ sessionCookie: SECRET }).info('x');
    assert.equal(records[0]?.sessionCookie, '[redacted]');
  });

  void test('masks secrets nested in objects and arrays', () => {
    const { logger, records } = capture();
    logger.warn('upstream refused', {
      request: { method: 'GET', headers: { cookie: SECRET, authorization: `Bearer ${SECRET}` } },
      attempts: [{ token: SECRET, n: 1 }],
    });
    assert.ok(!JSON.stringify(records).includes(SECRET), JSON.stringify(records));
    assert.deepEqual(records[0]?.request, {
      method: 'GET',
      headers: { cookie: '[redacted]', authorization: '[redacted]' },
    });
    assert.deepEqual(records[0]?.attempts, [{ token: '[redacted]', n: 1 }]);
  });

  void test('keeps ordinary keys and values', () => {
    const { logger, records } = capture();
    logger.info('x', { user: 'alice', grant: 'grt_1', path: '/tokens', nested: { ok: [1, 2] } });
    assert.equal(records[0]?.user, 'alice');
    assert.equal(records[0]?.path, '/tokens');
    assert.deepEqual(records[0]?.nested, { ok: [1, 2] });
  });

  void test('values that serialise themselves and repeated references are kept', () => {
    const { logger, records } = capture();
    const shared = { id: 1 };
    logger.info('x', {
      at: new Date(Date.UTC(2030, 0, 2)),
      url: new URL('http://localhost:8080/a'),
      a: shared,
      b: shared,
      nested: { error: new RangeError('deep') },
    });
    assert.equal(records[0]?.at, '2030-01-02T00:00:00.000Z');
    assert.equal(records[0]?.url, 'http://localhost:8080/a');
    assert.deepEqual(records[0]?.b, { id: 1 });
    assert.deepEqual(records[0]?.nested, { error: { name: 'RangeError', message: 'deep' } });
  });

  void test('survives circular fields', () => {
    const { logger, records } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    logger.info('x', { loop });
    assert.deepEqual(records[0]?.loop, { name: 'loop', self: '[circular]' });
  });
});
