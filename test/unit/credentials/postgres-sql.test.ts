// The SQL builder of temporary roles: identifiers and literals are quoted so that no name, role
// or template value can break out of its statement, and the statements say exactly what the
// resource grants (plus LOGIN, VALID UNTIL and CONNECTION LIMIT).
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  connectionUrl,
  createRoleStatements,
  newRoleName,
  passwordStatement,
  quoteIdent,
  quoteLiteral,
  ROLE_PATTERN,
  scramVerifier,
} from '../../../proxy/credentials/postgres-sql.js';
import {
  dropRoleStatements,
  objectOwnerCheck,
} from '../../../proxy/credentials/postgres-drop-sql.js';

const spec = {
  role: 'jg_0123456789abcdef01234567',
  password: 'p4ss',
  validUntil: Date.UTC(2030, 0, 31, 9, 30),
  connectionLimit: 3,
  database: 'orders',
  grantRoles: ['reader'],
  statements: ['GRANT SELECT ON orders TO {{role}}'],
};

void describe('postgres-sql', () => {
  void it('quotes identifiers, doubling quotes, and refuses NUL and empty names', () => {
    assert.equal(quoteIdent('orders'), '"orders"');
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteIdent('x"; DROP ROLE admin; --'), '"x""; DROP ROLE admin; --"');
    assert.throws(() => quoteIdent('a\0b'));
    assert.throws(() => quoteIdent(''));
  });

  void it('quotes literals, with E-strings for backslashes', () => {
    assert.equal(quoteLiteral("it's"), "'it''s'");
    assert.equal(quoteLiteral('a\\b'), "E'a\\\\b'");
    assert.equal(quoteLiteral("\\'; DROP"), "E'\\\\''; DROP'");
    assert.throws(() => quoteLiteral('a\0'));
  });

  void it('makes a login role with a SCRAM verifier, VALID UNTIL and CONNECTION LIMIT', () => {
    const [create, connect, member, template] = createRoleStatements(spec);
    assert.match(create ?? '', /^CREATE ROLE "jg_0123456789abcdef01234567" WITH LOGIN NOSUPERUSER/);
    assert.match(create ?? '', / CONNECTION LIMIT 3 /);
    assert.match(create ?? '', / PASSWORD 'SCRAM-SHA-256\$4096:[^']+' /);
    assert.match(create ?? '', / VALID UNTIL '2030-01-31T09:30:00.000Z'$/);
    assert.equal((create ?? '').includes('p4ss'), false, 'the clear password never goes to SQL');
    assert.equal(connect, 'GRANT CONNECT ON DATABASE "orders" TO "jg_0123456789abcdef01234567"');
    assert.equal(member, 'GRANT "reader" TO "jg_0123456789abcdef01234567"');
    assert.equal(template, 'GRANT SELECT ON orders TO "jg_0123456789abcdef01234567"');
  });

  void it('quotes granted roles and the database, and only ever names jg_ roles', () => {
    const statements = createRoleStatements({
      ...spec,
      database: 'db"x',
      grantRoles: ['r"; DROP TABLE t; --'],
      statements: [],
    });
    assert.equal(
      statements[1],
      'GRANT CONNECT ON DATABASE "db""x" TO "jg_0123456789abcdef01234567"',
    );
    assert.equal(statements[2], 'GRANT "r""; DROP TABLE t; --" TO "jg_0123456789abcdef01234567"');
    assert.throws(() => createRoleStatements({ ...spec, role: 'postgres' }));
    assert.throws(() => dropRoleStatements('admin'));
    assert.throws(() => passwordStatement('jg_x"', 'p'));
  });

  void it('drops a role and what it owns after ending its sessions, never reassigning', () => {
    const steps = dropRoleStatements(spec.role);
    assert.deepEqual(
      steps.map((s) => s.sql.split(' ').slice(0, 2).join(' ')),
      [
        'ALTER ROLE',
        'SELECT pg_terminate_backend(pid,',
        'GRANT "jg_0123456789abcdef01234567"',
        'DROP OWNED',
        'DROP ROLE',
      ],
    );
    assert.deepEqual(steps[1]?.params, [spec.role]);
    assert.equal(steps[2]?.sql, `GRANT "${spec.role}" TO CURRENT_USER`);
    assert.equal(steps[4]?.sql, `DROP ROLE IF EXISTS "${spec.role}"`);
  });

  void it('hands objects only to the objectOwner, after checking it and dropping definers', () => {
    const steps = dropRoleStatements(spec.role, 'orders_owner').map((s) => s.sql);
    assert.equal(steps.length, 8);
    assert.match(steps[3] ?? '', /^DO '.*o\.rolname = ''orders_owner'' AND NOT o\.rolcanlogin/s);
    assert.match(
      steps[4] ?? '',
      /^DO '.*p\.prosecdef AND .*rolname = ''jg_0123456789abcdef01234567''/s,
    );
    assert.equal(steps[5], `REASSIGN OWNED BY "${spec.role}" TO "orders_owner"`);
    assert.equal(steps[6], `DROP OWNED BY "${spec.role}"`);
    assert.equal(
      steps.some((sql) => /REASSIGN[^;]*CURRENT_USER/i.test(sql)),
      false,
      'never to the admin',
    );
  });

  void it('quotes the objectOwner inside the quoted body of its check', () => {
    const sql = objectOwnerCheck("x'; DROP ROLE admin; --");
    assert.ok(sql.startsWith("DO '") && sql.endsWith("'"));
    // One level of quoting undone gives the body; in it, the name is still one literal.
    const body = sql.slice(4, -1).replaceAll("''", "'");
    assert.match(body, /o\.rolname = 'x''; DROP ROLE admin; --' AND/);
    assert.equal(body.includes("'x'; DROP"), false);
  });

  void it('writes a SCRAM-SHA-256 verifier PostgreSQL can check', () => {
    const salt = Buffer.alloc(16, 7);
    const verifier = scramVerifier('secret', salt, 4096);
    const [head = '', keys = ''] = verifier.split('$').slice(1);
    assert.equal(head, `4096:${salt.toString('base64')}`);
    const salted = pbkdf2Sync('secret', salt, 4096, 32, 'sha256');
    const stored = createHash('sha256')
      .update(createHmac('sha256', salted).update('Client Key').digest())
      .digest('base64');
    assert.equal(keys.split(':')[0], stored);
  });

  void it('names roles jg_ + 24 hex and encodes every part of a connection URL', () => {
    assert.match(newRoleName(), ROLE_PATTERN);
    assert.notEqual(newRoleName(), newRoleName());
    const url = connectionUrl({
      user: 'jg_1',
      password: 'a/b@c:d',
      host: '::1',
      port: 5432,
      database: 'my db',
    });
    assert.equal(url, 'postgresql://jg_1:a%2Fb%40c%3Ad@[::1]:5432/my%20db');
  });
});
