/** Where `jitgate login` keeps tokens: one entry per proxy, whichever loopback name it was given. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
});
