// An admin's "end all sessions of this person" (API with the admin token, the CLI, and a person
// in the admin groups through the API; nobody else): every
// portal session of the person (in every browser, and the app cookies naming them, and a sign-in
// still waiting for its second factor), every
// bearer token, and the session credentials minted under them end at once; someone else's do
// not; it is audited with what it ended.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { runCli } from '../../support/cli.js';
import { demoIdpFor } from '../../../proxy/demo/demo-config.js';
import { formAction, rawRequest, TestBrowser } from '../../support/http-client.js';
import { completeMfa } from '../../support/mfa.js';
import { bearerCall, call } from '../access/api-client.js';

let demo: TestDemo;
before(async () => {
  // bob (approvers) is an admin here, so a person can end someone's sessions too.
  demo = await startTestDemo({
    configure: (config) => ({ ...config, admins: { groups: ['approvers'] } }),
  });
});
after(() => demo.stop());

const tokenOf = async (browser: TestBrowser) => {
  const reply = await call(browser, demo.url, 'POST', '/api/v1/tokens', {});
  assert.equal(reply.status, 201, reply.body);
  return String(reply.json.token);
};
const me = (browser: TestBrowser) => call(browser, demo.url, 'GET', '/api/v1/me');
const meByToken = (token: string) => bearerCall(token, demo.url, 'GET', '/api/v1/me');

void describe("ending all of a person's sessions", () => {
  void it('ends every sign-in of that person at once, and no one else’s', async () => {
    const laptop = await demo.login('alice');
    const phone = await demo.login('alice');
    const bob = await demo.login('bob');
    const token = await tokenOf(laptop);
    const bobToken = await tokenOf(bob);
    const grant = await demo.jitgate.grants.grant({
      user: 'alice',
      resource: 'payroll',
      durationMs: 10 * 60_000,
      actor: 'test',
    });
    const app = await laptop.navigate(`${demo.payrollOrigin}/headers`);
    assert.equal(app.status, 200, app.body.slice(0, 200));
    const minted = await bearerCall(
      token,
      demo.url,
      'POST',
      `/api/v1/grants/${grant.id}/session-credential`,
      {},
    );
    assert.equal(minted.status, 200, minted.body);
    const carried = {
      [String(minted.json.header)]: String(minted.json.value),
      'sec-fetch-site': 'same-origin',
    };
    assert.equal(
      (await rawRequest(`${demo.payrollOrigin}/headers`, { headers: carried })).status,
      200,
    );

    const ended = await runCli([
      'end-sessions',
      'alice',
      '--json',
      '--url',
      demo.url,
      '--state-dir',
      demo.stateDir,
    ]);
    assert.equal(ended.code, 0, ended.stderr);
    const answer = JSON.parse(ended.stdout) as { ended: { sessions: number; tokens: number } };
    assert.equal(answer.ended.sessions, 2);
    assert.equal(answer.ended.tokens, 1);

    for (const browser of [laptop, phone]) assert.equal((await me(browser)).status, 401);
    assert.equal((await meByToken(token)).status, 401);
    const appAfter = await laptop.request(`${demo.payrollOrigin}/headers`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    assert.equal(appAfter.status, 401);
    const credentialAfter = await rawRequest(`${demo.payrollOrigin}/headers`, { headers: carried });
    assert.equal(credentialAfter.status, 403);
    assert.equal(credentialAfter.headers['x-jitgate-error'], 'credential_refused');
    assert.equal((await me(bob)).status, 200, 'bob is still signed in');
    assert.equal((await meByToken(bobToken)).status, 200, "bob's token still works");

    const aliceId = (await demo.jitgate.store.users.findByName('alice'))[0]?.id;
    const events = await demo.jitgate.audit.list({ code: 'auth.sessions_ended', limit: 10 });
    const audited = events.find((e) => e.target === aliceId);
    assert.equal(audited?.actor, 'admin-cli');
    assert.deepEqual(audited?.data, { sessions: 2, tokens: 1, codes: 0 });
    await demo.jitgate.grants.revoke(grant.id, 'test');
  });

  void it('ends a sign-in still waiting for its second factor too', async () => {
    // Past the IdP (say, with a stolen password) and at the MFA page when the admin acts: the
    // code typed afterwards must not finish the sign-in.
    await demo.login('vic'); // vic has his authenticator from here on
    const waiting = new TestBrowser();
    const form = await waiting.navigate(`${demo.url}/auth/login?idp=${demoIdpFor('vic')}`);
    const atMfa = await waiting.postForm(formAction(form), { username: 'vic', password: 'demo' });
    assert.equal(new URL(atMfa.url).pathname, '/mfa/verify');
    // A vendor is named by user id: the name "vic" is whatever the vendor's IdP sent.
    const ended = await runCli([
      'end-sessions',
      `${demoIdpFor('vic')}:vic`,
      '--url',
      demo.url,
      '--state-dir',
      demo.stateDir,
    ]);
    assert.equal(ended.code, 0, ended.stderr);
    const after = await completeMfa(waiting, atMfa, demo.authenticator('vic'));
    assert.notEqual(new URL(after.url).pathname, '/');
    assert.equal((await me(waiting)).status, 401);
  });

  void it('refuses without the admin token, and names an unknown person', async () => {
    const refused = await rawRequest(`${demo.url}/api/v1/admin/users/alice/end-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer jga_wrong' },
      body: '{}',
    });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['x-jitgate-error'], 'admin_required');
    const unknown = await runCli([
      'end-sessions',
      'nobody',
      '--url',
      demo.url,
      '--state-dir',
      demo.stateDir,
    ]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no user "nobody"/);
  });

  void it('a person in the admin groups may, through the API; anyone else gets 403', async () => {
    const carol = await demo.login('carol');
    const alice = await demo.login('alice');
    const bob = await demo.login('bob');
    const path = '/api/v1/users/carol/end-sessions';
    const refused = await call(alice, demo.url, 'POST', path, {});
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error?.code, 'admin_role_required');
    assert.equal((await me(carol)).status, 200, 'a refused call ends nothing');
    const ended = await call(bob, demo.url, 'POST', path, {});
    assert.equal(ended.status, 200, ended.body);
    assert.equal((await me(carol)).status, 401);
    assert.equal((await me(bob)).status, 200);
    const carolId = (await demo.jitgate.store.users.findByName('carol'))[0]?.id;
    const events = await demo.jitgate.audit.list({ code: 'auth.sessions_ended', limit: 10 });
    const audited = events.find((e) => e.target === carolId);
    assert.equal(audited?.actor, (await demo.jitgate.store.users.findByName('bob'))[0]?.id);
  });
});
