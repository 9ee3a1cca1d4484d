// Break-glass over the API, with real sessions and a real step-up: alice (named by the policy)
// is refused without an incident, with a malformed one, beyond the 15m cap and without a fresh
// MFA step-up, each with the reason and each refusal audited; carl (not named) is refused; after
// a step-up she gets access at once, marked break-glass in the API, audited and announced; she
// cannot review her own grant; bob sees it waiting for review, it turns overdue (5m, a moved clock:
// audit, /metrics, an event for webhooks), and his review (justified, with a comment) is
// audited once. The CLI says the same refusals, lists what waits for bob's review, records his
// review, and marks the grant in `jitgate grants`; after `jitgate login --step-up` (a fresh MFA in
// the portal first) the CLI breaks the glass, until that step-up is no longer fresh; the
// extension's step-up sign-in (connect with step_up=1) does the same for its token, and a
// refresh of that token carries no step-up.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { AccessEvent } from '../../../proxy/access/events.js';
import { messageFor } from '../../../proxy/notify/webhook-message.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formAction, rawRequest, type TestBrowser } from '../../support/http-client.js';
import { runCli } from '../../support/cli.js';
import { formFields, startCliLogin } from '../../support/cli-login.js';
import { enrollOn, verifyOn } from '../../support/mfa.js';
import { startMfaProxy, type MfaProxy } from '../../support/mfa-proxy.js';
import { bearerCall, call, type ApiReply } from './api-client.js';
import { EVERY_GRANT } from '../../support/every-grant.js';

let proxy: MfaProxy;
let alice: TestBrowser;
let bob: TestBrowser;
let carl: TestBrowser;
const heard: AccessEvent[] = [];

before(async () => {
  proxy = await startMfaProxy();
  alice = (await proxy.login('alice')).browser;
  bob = (await proxy.login('bob')).browser;
  carl = (await proxy.login('carl')).browser;
  proxy.jitgate.events.on((event) => heard.push(event));
});
after(() => proxy.stop());

const breakGlass = (who: TestBrowser, body: Record<string, unknown>) =>
  call(who, proxy.url, 'POST', '/api/v1/break-glass', {
    resource: 'payroll',
    duration: '15m',
    incident: 'INC-4711',
    reason: 'payroll run is failing',
    ...body,
  });

function refused(reply: ApiReply, status: number, code: string, message: RegExp) {
  assert.equal(reply.status, status, reply.body);
  assert.equal(reply.json.error?.code, code);
  assert.match(String((reply.json.error as { message?: string }).message), message);
}

const metrics = async () => (await fetch(`${proxy.url}/metrics`)).text();
let grantId = '';

void describe('breaking the glass', () => {
  void it('refuses without an incident, with a malformed one, and beyond the cap, saying why', async () => {
    refused(
      await breakGlass(alice, { incident: undefined }),
      400,
      'incident_required',
      /incident reference matching \^INC-\[0-9\]\+\$/,
    );
    refused(await breakGlass(alice, { incident: 'urgent!' }), 400, 'incident_invalid', /INC/);
    refused(
      await breakGlass(alice, { duration: '30m' }),
      400,
      'break_glass_too_long',
      /at most 15m/,
    );
    refused(await breakGlass(alice, { reason: undefined }), 400, 'reason_required', /reason/);
    const audited = await proxy.jitgate.audit.list({ code: 'break_glass.refused', limit: 10 });
    assert.equal(audited.length, 4, 'every refusal is on the record');
    assert.ok(audited.every((e) => e.actor === 'corp:alice'));
  });

  void it('refuses carl, whom no policy names', async () => {
    refused(
      await breakGlass(carl, {}),
      403,
      'break_glass_not_allowed',
      /no policy lets carl break the glass on payroll/,
    );
  });

  void it('refuses alice without a fresh step-up, and a bearer token never has one', async () => {
    const reply = await breakGlass(alice, {});
    refused(reply, 403, 'mfa_required', /break-glass request needs a fresh MFA step-up/);
    assert.ok((reply.json.error as { stepUpUrl?: string }).stepUpUrl);
    const issued = await call(alice, proxy.url, 'POST', '/api/v1/tokens', { label: 'cli' });
    const byToken = await bearerCall(
      String(issued.json.token),
      proxy.url,
      'POST',
      '/api/v1/break-glass',
      { resource: 'payroll', duration: '15m', incident: 'INC-4711', reason: 'fire' },
    );
    assert.equal(byToken.json.error?.code, 'mfa_required');
    assert.equal(
      (await proxy.jitgate.store.grants.listForUser('corp:alice', EVERY_GRANT)).length,
      0,
    );
  });

  void it('after a step-up grants alice access at once, marked break-glass everywhere', async () => {
    const enroll = await alice.navigate(`${proxy.url}/mfa/verify?rd=%2F`);
    assert.equal((await enrollOn(alice, enroll, proxy.authenticator('alice'))).status, 200);
    const reply = await breakGlass(alice, {});
    assert.equal(reply.status, 201, reply.body);
    const grant = reply.json.grant as { id: string; state: string; breakGlass: boolean };
    assert.equal(grant.state, 'active');
    assert.equal(grant.breakGlass, true);
    grantId = grant.id;
    const record = reply.json.breakGlass as { incident: string; overdue: boolean };
    assert.equal(record.incident, 'INC-4711');
    assert.equal(record.overdue, false);

    const mine = await call(alice, proxy.url, 'GET', '/api/v1/grants');
    assert.deepEqual(
      (mine.json.grants as { id: string; breakGlass: boolean }[]).map((g) => [g.id, g.breakGlass]),
      [[grantId, true]],
    );
    const [event] = await proxy.jitgate.audit.list({ code: 'grant.break_glass', limit: 5 });
    assert.equal(event?.actor, 'corp:alice');
    assert.equal(event?.reason, 'payroll run is failing');
    assert.deepEqual(
      [event?.data.incident, event?.data.grant, event?.data.policy],
      ['INC-4711', grantId, 'staff'],
    );
    const started = heard.find((e) => e.type === 'break_glass' && e.stage === 'started');
    assert.ok(started);
    const message = messageFor(started, (id) => id.replace('corp:', ''));
    assert.equal(message?.type, 'break_glass.started');
    assert.match(
      message?.text ?? '',
      /^BREAK-GLASS: alice granted themselves payroll for incident INC-4711/,
    );
    assert.match(await metrics(), /^jitgate_break_glass_reviews_pending 1$/m);
  });

  void it('refuses a second emergency on payroll while the first lives, saying until when', async () => {
    const replies = await Promise.all([1, 2, 3].map(() => breakGlass(alice, {})));
    for (const reply of replies)
      refused(reply, 409, 'break_glass_live', /already hold emergency access to payroll until /);
    const live = await proxy.jitgate.store.grants.listLive(Date.now() + proxy.clock.skew);
    assert.deepEqual(
      live.map((g) => g.id),
      [grantId],
    );
  });

  void it('does not let alice review her own grant', async () => {
    const list = await call(alice, proxy.url, 'GET', '/api/v1/break-glass/reviews');
    assert.deepEqual(list.json.reviews, []);
    const review = await call(alice, proxy.url, 'POST', `/api/v1/break-glass/${grantId}/review`, {
      verdict: 'justified',
      comment: 'I needed it',
    });
    refused(review, 403, 'not_a_reviewer', /own request/);
  });
});

void describe('the post-hoc review', () => {
  void it('waits for bob, and is flagged overdue once after its 5 minutes', async () => {
    const waiting = await call(bob, proxy.url, 'GET', '/api/v1/break-glass/reviews');
    const reviews = waiting.json.reviews as { grant: string; overdue: boolean }[];
    assert.deepEqual(
      reviews.map((r) => [r.grant, r.overdue]),
      [[grantId, false]],
    );
    proxy.clock.skew += 5 * 60_000 + 1000;
    await proxy.jitgate.breakGlass.sweep();
    await proxy.jitgate.breakGlass.sweep();
    const flagged = await proxy.jitgate.audit.list({
      code: 'break_glass.review_overdue',
      limit: 5,
    });
    assert.equal(flagged.length, 1, 'flagged once, however often the sweep runs');
    assert.equal(flagged[0]?.data.grant, grantId);
    const overdue = await call(bob, proxy.url, 'GET', '/api/v1/break-glass/reviews');
    assert.equal((overdue.json.reviews as { overdue: boolean }[])[0]?.overdue, true);
    assert.match(await metrics(), /^jitgate_break_glass_reviews_overdue 1$/m);
    const event = heard.find((e) => e.type === 'break_glass' && e.stage === 'overdue');
    assert.ok(event);
    assert.equal(messageFor(event, (id) => id)?.type, 'break_glass.review_overdue');
  });

  void it('needs a verdict and a comment, then records bob’s review once', async () => {
    const path = `/api/v1/break-glass/${grantId}/review`;
    const bare = await call(bob, proxy.url, 'POST', path, { verdict: 'justified' });
    assert.equal(bare.status, 400);
    const reply = await call(bob, proxy.url, 'POST', path, {
      verdict: 'not_justified',
      comment: 'a rollback would have done',
    });
    assert.equal(reply.status, 200, reply.body);
    const review = (reply.json.breakGlass as { review: { verdict: string; reviewer: string } })
      .review;
    assert.deepEqual([review.verdict, review.reviewer], ['not_justified', 'corp:bob']);
    const again = await call(bob, proxy.url, 'POST', path, {
      verdict: 'justified',
      comment: 'changed my mind',
    });
    refused(again, 409, 'already_reviewed', /reviewed already/);
    const audited = await proxy.jitgate.audit.list({ code: 'break_glass.reviewed', limit: 5 });
    assert.equal(audited.length, 1);
    assert.equal(audited[0]?.actor, 'corp:bob');
    assert.equal(audited[0]?.reason, 'a rollback would have done');
    assert.equal(audited[0]?.data.verdict, 'not_justified');
    await proxy.jitgate.breakGlass.sweep();
    assert.match(await metrics(), /^jitgate_break_glass_reviews_overdue 0$/m);
    const empty = await call(bob, proxy.url, 'GET', '/api/v1/break-glass/reviews');
    assert.deepEqual(empty.json.reviews, []);
  });

  void it('lets bob, an approver of its policy, revoke the grant he found not justified', async () => {
    const page = await bob.navigate(`${proxy.url}/approvals`);
    assert.match(page.body, new RegExp(`action="/grants/${grantId}/revoke"`));
    const reply = await call(bob, proxy.url, 'POST', `/api/v1/grants/${grantId}/revoke`, {
      reason: 'not justified',
    });
    assert.equal(reply.status, 200, reply.body);
    assert.equal((await proxy.jitgate.store.grants.get(grantId))?.revokedBy, 'corp:bob');
  });
});

void describe('from the CLI', () => {
  const tokenOf = async (who: TestBrowser) => {
    const issued = await call(who, proxy.url, 'POST', '/api/v1/tokens', { label: 'cli' });
    assert.equal(issued.status, 201, issued.body);
    return String(issued.json.token);
  };
  const cli = async (who: TestBrowser, args: string[]) =>
    runCli([...args, '--url', proxy.url], { JITGATE_TOKEN: await tokenOf(who) });
  const glass = ['request', 'payroll', '--break-glass', '--reason', 'payroll run is failing'];

  void it('refuses without an incident, beyond the cap, and without a step-up, saying why', async () => {
    const bare = await cli(alice, [...glass, '--for', '15m']);
    assert.equal(bare.code, 1, bare.stderr);
    assert.match(bare.stderr, /breaking the glass needs --incident/);
    const long = await cli(alice, [...glass, '--incident', 'INC-9', '--for', '2h']);
    assert.equal(long.code, 2, long.stderr);
    assert.match(long.stderr, /at most 15m under policy staff \(break_glass_too_long\)/);
    const token = await cli(alice, [...glass, '--incident', 'INC-9', '--for', '10m']);
    assert.equal(token.code, 2, token.stderr);
    assert.match(token.stderr, /needs a fresh MFA step-up \(mfa_required\)/);
  });

  void it('lists what waits for bob, records his review, and marks the grant', async () => {
    const reply = await breakGlass(alice, { incident: 'INC-4712', duration: '10m' });
    assert.equal(reply.status, 201, reply.body);
    const id = (reply.json.grant as { id: string }).id;
    const waiting = await cli(bob, ['reviews']);
    assert.equal(waiting.code, 0, waiting.stderr);
    assert.match(
      waiting.stdout,
      new RegExp(`${id}\\s+alice \\(via corp\\)\\s+payroll\\s+INC-4712\\s+due `),
    );
    assert.equal((await cli(alice, ['reviews'])).stdout.includes(id), false);
    const done = await cli(bob, ['review', id, '--justified', '--comment', 'needed for INC-4712']);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /reviewed .*: justified/);
    const record = await proxy.jitgate.store.breakGlass.get(id);
    assert.equal(record?.review?.verdict, 'justified');
    const grants = await cli(alice, ['grants']);
    assert.match(grants.stdout, new RegExp(`${id}\\s+payroll\\s+active\\s+.+\\s+BREAK-GLASS`));
  });

  void it('breaks the glass after `jitgate login --step-up`, for as long as the step-up is fresh', async () => {
    const configHome = mkdtempSync(join(tmpdir(), 'jitgate-cli-home-'));
    try {
      // Alice's last step-up is stale by now: the login sends her through a fresh one first.
      proxy.clock.skew += 10 * 60_000;
      const run = startCliLogin(proxy.url, configHome, ['--step-up']);
      const first = await alice.navigate(await run.authorizeUrl);
      assert.equal(new URL(first.url).pathname, '/mfa/verify', 'no consent before the step-up');
      const consent = await verifyOn(alice, first, proxy.authenticator('alice'));
      assert.equal(new URL(consent.url).pathname, '/cli/authorize');
      assert.match(consent.body, /With your MFA step-up/);
      const back = await alice.postForm(formAction(consent), formFields(consent.body, 'allow'));
      assert.equal(back.status, 200, back.body);
      const signedIn = await run.done;
      assert.equal(signedIn.code, 0, signedIn.stderr);
      const issued = await proxy.jitgate.audit.list({ code: 'token.issued', limit: 50 });
      const stepped = issued.filter((e) => e.data.stepUpAt !== undefined);
      assert.equal(stepped.length, 1, 'the token is on the record as carrying a step-up');

      const env = { XDG_CONFIG_HOME: configHome };
      const withLogin = (args: string[]) => runCli([...args, '--url', proxy.url], env);
      const broken = await withLogin([...glass, '--incident', 'INC-4713', '--for', '10m']);
      assert.equal(broken.code, 0, broken.stderr);
      assert.match(broken.stderr, /^BREAK-GLASS: granted payroll until .+ for INC-4713/m);
      const id = broken.stdout.trim();
      assert.equal((await proxy.jitgate.store.grants.get(id))?.breakGlass, true);
      assert.equal((await proxy.jitgate.store.breakGlass.get(id))?.incident, 'INC-4713');

      // The token outlives its step-up: past the freshness window it is refused again.
      proxy.clock.skew += 10 * 60_000;
      const stale = await withLogin([...glass, '--incident', 'INC-4714', '--for', '10m']);
      assert.equal(stale.code, 2, stale.stderr);
      assert.match(stale.stderr, /run `jitgate login --step-up`, then retry/);
      assert.match(stale.stderr, /\(mfa_required\)/);
    } finally {
      rmSync(configHome, { recursive: true, force: true });
    }
  });

  void it('breaks the glass with the extension’s step-up sign-in, sent through MFA when stale', async () => {
    const callback = `chrome-extension://${'a'.repeat(32)}/callback.html`;
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      redirect_uri: callback,
      state: 'state-0123456789abcdef',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      step_up: '1',
    });
    proxy.clock.skew += 10 * 60_000; // her last step-up is stale
    const first = await alice.navigate(`${proxy.url}/extension/connect?${query.toString()}`);
    assert.equal(new URL(first.url).pathname, '/mfa/verify', 'no consent before the step-up');
    const consent = await verifyOn(alice, first, proxy.authenticator('alice'));
    assert.equal(new URL(consent.url).pathname, '/extension/connect');
    assert.match(consent.body, /With your MFA step-up/);
    const answer = await alice.request(`${proxy.url}/extension/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(formFields(consent.body, 'allow')).toString(),
    });
    assert.equal(answer.status, 303, answer.body);
    const code = new URL(String(answer.headers.location)).searchParams.get('code') ?? '';
    const token = await rawRequest(`${proxy.url}/api/v1/extension/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: callback,
      }),
    });
    assert.equal(token.status, 200, token.body);
    const issued = JSON.parse(token.body) as { token: string; refreshToken: string };
    const glassBody = {
      resource: 'payroll',
      duration: '10m',
      incident: 'INC-4715',
      reason: 'payroll run is failing',
    };
    const broken = await bearerCall(
      issued.token,
      proxy.url,
      'POST',
      '/api/v1/break-glass',
      glassBody,
    );
    assert.equal(broken.status, 201, broken.body);

    // A refreshed token is a new one, without the step-up the sign-in asked for.
    const refreshed = await rawRequest(`${proxy.url}/api/v1/extension/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: issued.refreshToken }),
    });
    const renewed = JSON.parse(refreshed.body) as { token: string };
    const again = await bearerCall(renewed.token, proxy.url, 'POST', '/api/v1/break-glass', {
      ...glassBody,
      incident: 'INC-4716',
    });
    refused(again, 403, 'mfa_required', /needs a fresh MFA step-up/);
  });
});
