// Logins are audited and fail closed: with the audit log refusing writes, a correct password
// through the real IdP still ends in an error and no session; once the log works, the same login
// succeeds and is recorded as auth.login.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import Database from 'better-sqlite3';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { formAction, TestBrowser } from '../../support/http-client.js';
import { completeMfa } from '../../support/mfa.js';

let demo: TestDemo;

before(async () => {
  demo = await startTestDemo();
});
after(() => demo.stop());

/** Runs SQL on the demo's database from a second connection, as an outage would be simulated. */
function sql(statement: string) {
  const db = new Database(join(demo.stateDir, 'jitgate.db'));
  try {
    db.exec(statement);
  } finally {
    db.close();
  }
}

async function logIn(username: string) {
  const browser = new TestBrowser();
  const form = await browser.navigate(`${demo.url}/auth/login?idp=demo`);
  const atMfa = await browser.postForm(formAction(form), { username, password: 'demo' });
  const done = await completeMfa(browser, atMfa, demo.authenticator(username));
  const me = await browser.request(`${demo.url}/api/v1/me`, {
    headers: { accept: 'application/json' },
  });
  return { done, me };
}

void describe('login audit', () => {
  it('fails the login when auth.login cannot be written', async () => {
    sql(`CREATE TRIGGER refuse_login BEFORE INSERT ON audit_events WHEN NEW.code = 'auth.login'
         BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END`);
    try {
      const { done, me } = await logIn('alice');
      assert.equal(done.status, 500, done.body.slice(0, 200));
      assert.equal(me.status, 401, 'no session was started');
    } finally {
      sql('DROP TRIGGER refuse_login');
    }
  });

  it('records a successful login', async () => {
    const { done, me } = await logIn('alice');
    assert.equal(done.status, 200);
    assert.equal(me.status, 200);
    const id = (JSON.parse(me.body) as { user: { id: string } }).user.id;
    const logins = await demo.jitgate.audit.list({ code: 'auth.login', limit: 10 });
    assert.deepEqual(
      logins.map((e) => e.actor),
      [id],
    );
  });

  it('records a callback with an unknown state as auth.login_failed', async () => {
    const browser = new TestBrowser();
    const reply = await browser.request(`${demo.url}/auth/callback?state=forged&code=x`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(reply.status, 400);
    const failed = await demo.jitgate.audit.list({ code: 'auth.login_failed', limit: 10 });
    assert.equal(failed.at(-1)?.reason, 'login_expired');
  });
});
