// What reaches the app with a grant: a verifiable identity assertion and the configured identity
// header, never a spoofed identity header (whatever its case, separator or number of copies) nor
// jitgate's own cookies (strip, then inject).
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { describe, it } from '../../support/guarded-test.js';
import { rawRequest, type Reply } from '../../support/http-client.js';
import { rawExchange, statusOf } from '../../support/wire.js';
import {
  APP_COOKIE,
  appCookie,
  demo,
  grantAlice,
  usePayrollAsAlice,
  xhr,
} from './payroll-as-alice.js';

const ASSERTION = 'x-jitgate-assertion';

usePayrollAsAlice();

/** What payroll received, from its GET /headers echo. */
function echoed(reply: Reply): Record<string, string> {
  assert.equal(reply.status, 200, reply.body.slice(0, 300));
  return (JSON.parse(reply.body) as { headers: Record<string, string> }).headers;
}

async function jwks() {
  const reply = await rawRequest(`${demo.url}/.well-known/jwks.json`);
  assert.equal(reply.status, 200);
  return createLocalJWKSet(JSON.parse(reply.body) as JSONWebKeySet);
}

void describe('with a grant', () => {
  void it('reaches payroll with an identity assertion that verifies against the JWKS', async () => {
    const grant = await grantAlice();
    const headers = echoed(await xhr('/headers'));
    const token = headers[ASSERTION];
    assert.ok(token, 'the assertion header arrives');
    assert.equal(decodeProtectedHeader(token).alg, 'ES256');
    const { payload } = await jwtVerify(token, await jwks(), {
      issuer: demo.url,
      audience: demo.payrollOrigin,
      algorithms: ['ES256'],
    });
    assert.equal(payload.sub, 'demo:alice');
    assert.equal(payload.email, 'alice@demo.jitgate.test');
    assert.deepEqual(payload.groups, ['staff']);
    assert.equal(payload.grant, grant.id);
    assert.ok(payload.exp, 'the assertion expires');
    assert.ok(payload.exp <= Math.ceil(Date.now() / 1000) + 5 * 60, 'exp at most 5 min ahead');
    assert.equal(headers['x-payroll-user'], 'alice', 'the configured header is injected');
  });

  void it('strips every spoofed identity header, whatever its case or separator', async () => {
    await grantAlice();
    const spoof = 'spoofed-by-mallory';
    const headers = echoed(
      await xhr('/headers', {
        'X-Jitgate-Assertion': spoof,
        x_jitgate_assertion: spoof,
        'X-Forwarded-User': spoof,
        X_FORWARDED_EMAIL: spoof,
        'Remote-User': spoof,
        'x-payroll-user': spoof,
        'X-Jitgate-Anything': spoof,
        'X-Forwarded-For': '203.0.113.9',
        'X-Harmless': 'kept',
      }),
    );
    assert.doesNotMatch(JSON.stringify(headers), new RegExp(spoof));
    assert.doesNotMatch(JSON.stringify(headers), /203\.0\.113\.9/, 'untrusted X-Forwarded-For');
    for (const name of [
      'x_jitgate_assertion',
      'x-forwarded-user',
      'x_forwarded_email',
      'x-forwarded-email',
      'remote-user',
      'x-jitgate-anything',
    ])
      assert.equal(headers[name], undefined, name);
    assert.equal(headers['x-payroll-user'], 'alice');
    assert.ok(headers[ASSERTION]?.startsWith('eyJ'));
    assert.equal(headers['x-harmless'], 'kept');
  });

  void it('strips repeated copies of identity headers sent on the wire', async () => {
    await grantAlice();
    const host = new URL(demo.payrollOrigin).host;
    const reply = await rawExchange(
      demo.port,
      `GET /headers HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\n` +
        `Cookie: ${APP_COOKIE}=${appCookie}\r\n` +
        `x-jitgate-assertion: one\r\nX-JITGATE-ASSERTION: two\r\nX-Payroll-User: bob\r\n` +
        `x-payroll_user: carol\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(statusOf(reply), 200, reply.slice(0, 300));
    const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
    const headers = (JSON.parse(body) as { headers: Record<string, string> }).headers;
    assert.equal(headers['x-payroll-user'], 'alice');
    assert.equal(headers['x-payroll_user'], undefined);
    // One assertion, jitgate's own: the client's copies are neither kept nor joined to it.
    const { payload } = await jwtVerify(headers[ASSERTION] ?? '', await jwks(), {
      issuer: demo.url,
      audience: demo.payrollOrigin,
    });
    assert.equal(payload.sub, 'demo:alice');
  });

  void it("drops jitgate's cookies and passes the app's own", async () => {
    await grantAlice();
    const reply = await rawRequest(`${demo.payrollOrigin}/headers`, {
      headers: {
        accept: 'application/json',
        cookie:
          `theme=dark; jitgate_session=s%3Aportal.sig; ${APP_COOKIE}=${appCookie}; ` +
          'jitgate-extension=x; jitgate_other=y; app_jitgate=kept; lang=en',
      },
    });
    const headers = echoed(reply);
    assert.equal(headers.cookie, 'theme=dark; app_jitgate=kept; lang=en');
  });
});
