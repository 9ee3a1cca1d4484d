// The trail's redactors: configured query parameters and body fields (any case, any depth)
// become REDACTED; what cannot be redacted with certainty is not kept at all.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  REDACTED,
  redactBody,
  redactionSet,
  redactJson,
  redactPath,
  redactQuery,
} from '../../../../recorder/trail/index.js';

const names = redactionSet(['token', 'code', 'Password', 'api_key']);

void describe('redactQuery', () => {
  void test('replaces configured parameters, any case, and keeps the rest byte for byte', () => {
    assert.equal(
      redactQuery('a=1&TOKEN=s3cret&b=%2Fx&Code=abc', names),
      `a=1&TOKEN=${REDACTED}&b=%2Fx&Code=${REDACTED}`,
    );
  });

  void test('compares names after percent-decoding, and keeps repeated parameters apart', () => {
    assert.equal(
      redactQuery('api%5Fkey=k1&api_key=k2&x=api_key', names),
      `api%5Fkey=${REDACTED}&api_key=${REDACTED}&x=api_key`,
    );
  });

  void test('leaves queries without secrets, bare flags and malformed escapes alone', () => {
    assert.equal(redactQuery('', names), '');
    assert.equal(redactQuery('page=2', names), 'page=2');
    assert.equal(redactQuery('token&x=%E0%A4%A', names), 'token&x=%E0%A4%A');
    assert.equal(redactQuery('%zz=1&token=t', names), `%zz=1&token=${REDACTED}`);
  });

  void test('a nested field name (Rails, PHP, Spring forms) is redacted by any of its parts', () => {
    // `user[password]` is a password field as surely as `password`: frameworks that nest form
    // fields name them this way, and the JSON redactor already looks at every depth.
    assert.equal(
      redactQuery(
        'user%5Bemail%5D=v%40x&user[password]=hunter2&session.token=t&a[0][Code]=c',
        names,
      ),
      `user%5Bemail%5D=v%40x&user[password]=${REDACTED}&session.token=${REDACTED}&a[0][Code]=${REDACTED}`,
    );
    assert.equal(redactQuery('code[new]=c&codes=1', names), `code[new]=${REDACTED}&codes=1`);
  });

  void test('a parameter after ";" is a parameter too (Rack 2 splits on & and ;)', () => {
    assert.equal(redactQuery('page=2;token=t&a=1', names), `page=2;token=${REDACTED}&a=1`);
    assert.equal(redactQuery('a=1; password=p', names), `a=1; password=${REDACTED}`);
  });

  void test('a name that plainly holds a secret is redacted whatever the list says', () => {
    // Password changes (Devise, Django, most SPAs) and reset links name their secrets this way.
    const none = redactionSet([]);
    assert.equal(
      redactQuery('user[password_confirmation]=a&new_password1=b&reset_token=c&page=2', none),
      `user[password_confirmation]=${REDACTED}&new_password1=${REDACTED}&reset_token=${REDACTED}&page=2`,
    );
    assert.equal(
      redactQuery('X-Api-Key=k&clientSecret=s&q=tokens', none),
      `X-Api-Key=${REDACTED}&clientSecret=${REDACTED}&q=tokens`,
    );
  });
});

void describe('redactPath', () => {
  void test('a path parameter (";name=value" in a segment) that names a secret is redacted', () => {
    // Java servlets put the session in the path when a browser refuses cookies.
    const session = redactionSet(['jsessionid']);
    assert.equal(
      redactPath('/shop;jsessionid=0A1B2C/cart;page=2', session),
      `/shop;jsessionid=${REDACTED}/cart;page=2`,
    );
    assert.equal(redactPath('/a;x=1;Token=t;y=2/b', names), `/a;x=1;Token=${REDACTED};y=2/b`);
    assert.equal(redactPath('/files;new_password=p', names), `/files;new_password=${REDACTED}`);
  });

  void test('paths without such a parameter are kept byte for byte', () => {
    for (const path of ['/a/b', '/a;b/c', '/a;token', '/%3Btoken=t', '/'])
      assert.equal(redactPath(path, names), path);
  });
});

void describe('redactJson', () => {
  void test('redacts configured fields at any depth, in objects and arrays', () => {
    const text = JSON.stringify({
      user: 'vic',
      password: 'hunter2',
      nested: { deeper: [{ TOKEN: 't', keep: 1 }], Code: { any: 'shape' } },
    });
    assert.deepEqual(JSON.parse(redactJson(text, names) ?? ''), {
      user: 'vic',
      password: REDACTED,
      nested: { deeper: [{ TOKEN: REDACTED, keep: 1 }], Code: REDACTED },
    });
  });

  void test('password changes and other plainly secret keys are redacted too', () => {
    const text = JSON.stringify({
      currentPassword: 'old',
      newPassword: 'new',
      user: { password_confirmation: 'new', name: 'vic' },
      stripeSecretKey: 'sk',
    });
    assert.deepEqual(JSON.parse(redactJson(text, redactionSet([])) ?? ''), {
      currentPassword: REDACTED,
      newPassword: REDACTED,
      user: { password_confirmation: REDACTED, name: 'vic' },
      stripeSecretKey: REDACTED,
    });
  });

  void test('keeps scalars and top-level arrays, and refuses what is not JSON', () => {
    assert.equal(redactJson('42', names), '42');
    assert.equal(redactJson('[{"token":1}]', names), `[{"token":"${REDACTED}"}]`);
    assert.equal(redactJson('{"token": "cut', names), undefined);
  });
});

void describe('redactBody', () => {
  const body = (contentType: string, text: string, size = Buffer.byteLength(text)) =>
    redactBody({ contentType, kept: Buffer.from(text), size }, names);

  void test('JSON bodies (any +json type) are stored redacted', () => {
    const stored = body('application/json; charset=utf-8', '{"password":"p","a":1}');
    assert.deepEqual(stored, {
      contentType: 'application/json; charset=utf-8',
      size: 22,
      text: `{"password":"${REDACTED}","a":1}`,
    });
    assert.equal(
      body('application/merge-patch+json', '{"token":"t"}').text,
      `{"token":"${REDACTED}"}`,
    );
  });

  void test('form bodies are redacted like a query string', () => {
    assert.equal(
      body('application/x-www-form-urlencoded', 'user=vic&password=p').text,
      `user=vic&password=${REDACTED}`,
    );
  });

  void test('a nested form field is redacted as its JSON twin would be', () => {
    assert.equal(
      body('application/x-www-form-urlencoded', 'user%5Bemail%5D=vic&user%5Bpassword%5D=p').text,
      `user%5Bemail%5D=vic&user%5Bpassword%5D=${REDACTED}`,
    );
  });

  void test('a body cut at the limit, or of another type, keeps no text at all', () => {
    assert.deepEqual(body('application/json', '{"password":"p"', 400), {
      contentType: 'application/json',
      size: 400,
      text: null,
      note: 'truncated',
    });
    assert.equal(body('text/plain', 'password=p').text, null);
    assert.equal(body('text/plain', 'password=p').note, 'not_redactable');
    assert.equal(body('application/json', 'not json').note, 'not_redactable');
  });
});
