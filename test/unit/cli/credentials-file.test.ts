/**
 * Where `jitgate login` keeps tokens: one entry per proxy, whichever loopback name it was given;
 * 0600 in a 0700 folder, written so that nothing planted in that folder receives the token.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadLogin, loginKey, saveLogin } from '../../../proxy/cli/credentials-file.js';

void describe('credentials file', () => {
  void it('keeps the loopback names of one port as one proxy', () => {
    assert.equal(loginKey('http://127.0.0.1:8080'), 'http://localhost:8080');
    assert.equal(loginKey('http://[::1]:8080'), 'http://localhost:8080');
    assert.equal(loginKey('http://localhost:8080'), 'http://localhost:8080');
    assert.equal(loginKey('https://jitgate.example.com'), 'https://jitgate.example.com');
    assert.notEqual(loginKey('http://localhost:8081'), loginKey('http://localhost:8080'));
  });

  void it('finds a login saved under localhost when asked for 127.0.0.1', () => {
    const home = mkdtempSync(join(tmpdir(), 'jitgate-cred-'));
    try {
      const env = { XDG_CONFIG_HOME: home };
      const login = { token: 'jgt_x', user: 'demo:alice', expiresAt: '2999-01-01T00:00:00Z' };
      saveLogin('http://localhost:8080', login, env);
      assert.deepEqual(loadLogin('http://127.0.0.1:8080', env), login);
      assert.equal(loadLogin('http://127.0.0.1:9090', env), undefined);
      saveLogin('http://127.0.0.1:8080', undefined, env);
      assert.equal(loadLogin('http://localhost:8080', env), undefined);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  void it('writes no token through a file or link planted at its temporary name', () => {
    const home = mkdtempSync(join(tmpdir(), 'jitgate-cred-'));
    try {
      const env = { XDG_CONFIG_HOME: home };
      const folder = join(home, 'jitgate');
      mkdirSync(folder);
      const loot = join(home, 'loot');
      writeFileSync(loot, '', { mode: 0o666 });
      symlinkSync(loot, join(folder, `credentials.json.${process.pid}.tmp`));
      const login = { token: 'jgt_secret', user: 'demo:alice', expiresAt: '2999-01-01T00:00:00Z' };
      saveLogin('http://localhost:8080', login, env);
      assert.equal(readFileSync(loot, 'utf8'), '', 'nothing written through the link');
      assert.deepEqual(loadLogin('http://localhost:8080', env), login);
      assert.equal(statSync(join(folder, 'credentials.json')).mode & 0o777, 0o600);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  void it('closes a folder that others may read or write before saving a token in it', () => {
    const home = mkdtempSync(join(tmpdir(), 'jitgate-cred-'));
    try {
      const folder = join(home, 'jitgate');
      mkdirSync(folder);
      chmodSync(folder, 0o777);
      const login = { token: 'jgt_secret', user: 'demo:alice', expiresAt: '2999-01-01T00:00:00Z' };
      saveLogin('http://localhost:8080', login, { XDG_CONFIG_HOME: home });
      assert.equal(statSync(folder).mode & 0o777, 0o700);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
