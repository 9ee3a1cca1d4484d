// `jitgate exec`'s command gets the grant's short-lived credential and the rest of the CLI's
// environment, never what the CLI signs in with: a machine's client secret (or a bearer token) in
// the command's hands would let it mint its own grants after `exec` ended. SIGN_IN_ENV is the one
// list of those variables: every JITGATE_ variable the sign-in code reads must be on it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { commandEnv } from '../../../proxy/cli/commands/exec.js';
import { SIGN_IN_ENV } from '../../../proxy/cli/session.js';

void describe('the environment of jitgate exec’s command', () => {
  it('drops every sign-in variable and adds the credential', () => {
    const parent = Object.fromEntries(SIGN_IN_ENV.map((name) => [name, `${name}-value`]));
    const env = commandEnv(
      { ...parent, PATH: '/usr/bin', JITGATE_URL: 'https://access.example.com', PGPASSWORD: 'x' },
      { PGPASSWORD: 'short-lived', PGUSER: 'jg_1' },
    );
    assert.deepEqual(env, {
      PATH: '/usr/bin',
      JITGATE_URL: 'https://access.example.com',
      PGPASSWORD: 'short-lived',
      PGUSER: 'jg_1',
    });
  });

  it('lists every JITGATE_ variable the CLI signs in with', () => {
    const signInCode = ['session.ts', 'ssh-command.ts'].map(
      (file) => new URL(`../../../proxy/cli/${file}`, import.meta.url),
    );
    const read = new Set(
      signInCode.flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/env\.(JITGATE_[A-Z_]+)/g)].map((m) => m[1]),
      ),
    );
    assert.ok(read.size > 0);
    const listed: readonly string[] = SIGN_IN_ENV;
    for (const name of read) assert.ok(name && listed.includes(name), `${name} is listed`);
  });
});
