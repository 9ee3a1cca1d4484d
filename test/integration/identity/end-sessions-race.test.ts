// Ending a person's sessions while that person's own requests are minting: a portal session
// issuing API tokens (POST /api/v1/tokens) and allowing `jitgate login` (POST /cli/authorize,
// whose one-time code is traded for a 12 h token later) at the moment an admin ends every
// sign-in. Whatever a request minted must end with the rest or never be handed out: no token
// works afterwards, however the requests and the end interleave.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { readAdminToken } from '../../../proxy/api/admin-token.js';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { formFields } from '../../support/cli-login.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type Reply } from '../../support/http-client.js';
import { bearerCall, call } from '../access/api-client.js';

let demo: TestDemo;
before(async () => {
  demo = await startTestDemo();
});
after(() => demo.stop());

const ROUNDS = 4;
const AT_ONCE = 8;

/** Ends alice's sessions after `delayMs`, as an admin would from the CLI. */
async function endAliceSessions(delayMs: number): Promise<Reply> {
  await sleep(delayMs);
  const ended = await rawRequest(`${demo.url}/api/v1/admin/users/alice/end-sessions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${readAdminToken(demo.stateDir)}`,
      'content-type': 'application/json',
    },
    body: '{}',
  });
  assert.equal(ended.status, 200, ended.body);
  return ended;
}

const works = async (token: string) =>
  (await bearerCall(token, demo.url, 'GET', '/api/v1/me')).status === 200;

void describe('ending sessions while they mint', () => {
  void it('API tokens issued meanwhile end too, or are refused', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const alice = await demo.login('alice');
      const issuing = Array.from({ length: AT_ONCE }, async (_, i) => {
        await sleep(i * 2);
        return call(alice, demo.url, 'POST', '/api/v1/tokens', { label: `r${round}-${i}` });
      });
      const [, ...replies] = await Promise.all([endAliceSessions(5), ...issuing]);
      for (const reply of replies) {
        assert.ok([201, 401].includes(reply.status), reply.body);
        if (reply.status === 201)
          assert.equal(await works(String(reply.json.token)), false, `round ${round}`);
      }
    }
  });

  void it('`jitgate login` codes allowed meanwhile buy no working token', async () => {
    const redirect = 'http://127.0.0.1:9/callback';
    for (let round = 0; round < ROUNDS; round++) {
      const alice = await demo.login('alice');
      const pages = await Promise.all(
        Array.from({ length: AT_ONCE / 2 }, async (_, i) => {
          const verifier = randomBytes(32).toString('base64url');
          const query = new URLSearchParams({
            redirect_uri: redirect,
            state: `state-${round}-${i}-0123456789`,
            code_challenge: createHash('sha256').update(verifier).digest('base64url'),
            code_challenge_method: 'S256',
          });
          const page = await alice.navigate(`${demo.url}/cli/authorize?${query.toString()}`);
          return { verifier, fields: formFields(page.body, 'allow') };
        }),
      );
      const allowing = pages.map(async ({ fields }, i) => {
        await sleep(i * 2);
        return alice.request(`${demo.url}/cli/authorize`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        });
      });
      const [, ...answers] = await Promise.all([endAliceSessions(3), ...allowing]);
      for (const [i, answer] of answers.entries()) {
        const location = answer.headers.location;
        const code = location ? new URL(String(location), demo.url).searchParams.get('code') : null;
        if (!code) continue;
        const traded = await rawRequest(`${demo.url}/cli/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            grant_type: 'authorization_code',
            code,
            code_verifier: pages[i]?.verifier,
            redirect_uri: redirect,
          }),
        });
        if (traded.status !== 200) continue;
        const token = String((JSON.parse(traded.body) as { token: string }).token);
        assert.equal(await works(token), false, `round ${round}`);
      }
    }
  });
});
