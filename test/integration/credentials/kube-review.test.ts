// The Kubernetes TokenReview webhook answers only the API server of a configured cluster: a call
// without the cluster's reviewer token (or with a wrong one) gets 401 with the usual error body
// and learns nothing about the token it sent; the cluster's own call is answered, and a revoked
// grant's bearer is refused at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';

let demo: TestDemo;
let alice: TestBrowser;
let grantId: string;
let token: string;

before(async () => {
  demo = await startTestDemo();
  alice = await demo.login('alice');
  const grant = await demo.jitgate.grants.grant({
    user: 'alice',
    resource: 'demo-cluster',
    durationMs: 300_000,
    actor: 'test',
  });
  grantId = grant.id;
  const answer = await alice.request(`${demo.url}/api/v1/grants/${grant.id}/credentials`);
  assert.equal(answer.status, 200, answer.body);
  token = (JSON.parse(answer.body) as { credential: { token: string } }).credential.token;
});
after(async () => {
  await demo.stop();
});

function review(authorization?: string) {
  return rawRequest(`${demo.url}/api/v1/kubernetes/tokenreview`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    }),
  });
}

const authenticated = (body: string) =>
  (JSON.parse(body) as { status?: { authenticated?: boolean } }).status?.authenticated;

void describe('the TokenReview webhook', () => {
  void it('answers a caller without the reviewer token 401, with the usual error body', async () => {
    for (const authorization of [
      undefined,
      'Bearer not-the-reviewer-token-of-any-cluster-at-all',
      `Basic ${Buffer.from(`x:${demo.kubeReviewerToken}`).toString('base64')}`,
      `Bearer ${token}`,
    ]) {
      const answer = await review(authorization);
      assert.equal(answer.status, 401, `${authorization ?? 'no header'}: ${answer.body}`);
      assert.equal(answer.headers['x-jitgate-error'], 'unauthenticated');
      const body = JSON.parse(answer.body) as { error: { code: string }; status?: unknown };
      assert.equal(body.error.code, 'unauthenticated');
      assert.equal(body.status, undefined, 'nothing about the token is said');
    }
  });

  void it("reviews for the cluster's API server, and refuses a revoked grant's token", async () => {
    const live = await review(`Bearer ${demo.kubeReviewerToken}`);
    assert.equal(live.status, 200, live.body);
    assert.equal(authenticated(live.body), true);
    await demo.jitgate.grants.revoke(grantId, 'test');
    const revoked = await review(`Bearer ${demo.kubeReviewerToken}`);
    assert.equal(revoked.status, 200);
    assert.equal(authenticated(revoked.body), false);
  });
});
