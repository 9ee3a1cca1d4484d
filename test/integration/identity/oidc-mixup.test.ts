// The OIDC mix-up attack (RFC 9700 §4.4) against a staff IdP that sends no `iss` (Entra ID,
// Google): a hostile vendor IdP passes the victim on to the staff IdP with the victim's login
// state and the attacker's PKCE challenge and nonce. With one callback for every IdP, the staff
// code came back as the answer to the vendor login and went to the vendor's token endpoint, and
// the attacker redeemed it in his own login as the victim. Each IdP now answers on its own path:
// the staff answer to a vendor login is refused there, and no code leaves jitgate.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { validateConfig } from '../../../proxy/config/load.js';
import { createDemoIdp } from '../../../proxy/demo/idp.js';
import { oidcCallbackUrl } from '../../../proxy/identity/oidc-callback.js';
import { createHttpServer, listen } from '../../../proxy/server/http-server.js';
import { startJitgate, type RunningJitgate } from '../../../proxy/server/start.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { formAction, TestBrowser } from '../../support/http-client.js';
import { startHostileIdp, withoutIss, type HostileIdp } from '../../support/mixup-idps.js';
import { testUser } from '../../support/test-proxy.js';

let origin = '';
let jitgate: RunningJitgate;
let hostile: HostileIdp;
const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-mixup-'));

before(async () => {
  const http = createHttpServer(silentLogger);
  origin = `http://localhost:${await listen(http.server, 0, '127.0.0.1')}`;
  hostile = await startHostileIdp();
  const staff = await createDemoIdp({
    issuer: `${origin}/idp`,
    users: [testUser('alice', ['staff'])],
    clients: [
      {
        clientId: 'jitgate',
        clientSecret: 'staff-secret',
        redirectUris: [oidcCallbackUrl(origin, 'staff')],
      },
    ],
    cookieKeys: ['mixup-test-cookie-key'],
  });
  const idp = { scopes: ['openid', 'email', 'profile', 'groups'], allowInsecureRequests: true };
  jitgate = await startJitgate({
    config: validateConfig({
      server: { host: '127.0.0.1', port: Number(new URL(origin).port), publicUrl: origin },
      state: { dir: stateDir },
      identityProviders: [
        {
          id: 'staff',
          issuer: `${origin}/idp`,
          clientId: 'jitgate',
          clientSecret: 'staff-secret',
          ...idp,
          passUnmappedGroups: true,
        },
        {
          id: 'vendor',
          kind: 'vendor',
          issuer: hostile.issuer,
          clientId: 'jitgate-vendor',
          clientSecret: 'vendor-secret',
          ...idp,
        },
      ],
    }),
    log: silentLogger,
    http,
    now: () => Date.now(),
    mounts: [['/idp', withoutIss(staff)]],
  });
});
after(async () => {
  await jitgate?.close();
  await hostile?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

void describe('OIDC mix-up', () => {
  it('refuses a staff answer to a vendor login on its own path; no code leaves jitgate', async () => {
    // alice signs in as usual: the staff IdP answers on the staff path, and she has its session.
    const victim = new TestBrowser();
    const form = await victim.navigate(`${origin}/auth/login?idp=staff`);
    const landed = await victim.postForm(formAction(form), { username: 'alice', password: 'demo' });
    assert.equal(new URL(landed.url).pathname, '/', `landed at ${landed.url}`);

    // The attacker starts a staff login of his own and keeps its authorization URL.
    const attacker = new TestBrowser();
    const started = await attacker.request(`${origin}/auth/login?idp=staff`);
    hostile.passOnTo = new URL(started.headers.location ?? '');
    assert.equal(
      hostile.passOnTo.searchParams.get('redirect_uri'),
      oidcCallbackUrl(origin, 'staff'),
    );

    // alice follows a link that signs her in through the vendor IdP, which passes her on.
    const answer = await victim.navigate(`${origin}/auth/login?idp=vendor`);
    assert.equal(new URL(answer.url).pathname, '/auth/callback/staff');
    assert.equal(answer.status, 401, answer.body.slice(0, 300));
    assert.equal(answer.headers['x-jitgate-error'], 'oidc_callback_mismatch');
    assert.deepEqual(hostile.codes, [], 'the staff code never reached the vendor');
    const [refusal] = await jitgate.audit.list({ code: 'auth.login_failed', limit: 1 });
    assert.deepEqual([refusal?.reason, refusal?.target], ['oidc_callback_mismatch', 'vendor']);
  });

  it('refuses an answer on the path every IdP shared before', async () => {
    const browser = new TestBrowser();
    const started = await browser.request(`${origin}/auth/login?idp=staff`);
    const state = new URL(started.headers.location ?? '').searchParams.get('state') ?? '';
    const reply = await browser.request(`${origin}/auth/callback?code=x&state=${state}`);
    assert.equal(reply.status, 401);
    assert.equal(reply.headers['x-jitgate-error'], 'oidc_callback_mismatch');
  });
});
