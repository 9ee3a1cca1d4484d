// Requests jitgate does not serve get a refusal with the usual error body and X-Jitgate-Error,
// never a connection closed without a word: CONNECT (jitgate is not a forward proxy), to the
// portal or to an app host, and a WebSocket upgrade that is not a GET (RFC 6455 §4.1), even from
// someone holding a grant.
import assert from 'node:assert/strict';
import { describe, it } from '../../support/guarded-test.js';
import { rawExchange, statusOf } from '../../support/wire.js';
import { APP_COOKIE, appCookie, demo, grantAlice, usePayrollAsAlice } from './payroll-as-alice.js';

usePayrollAsAlice();

/** Status, X-Jitgate-Error and error code of a raw answer ('' for a connection closed silently). */
function refusalOf(reply: string) {
  const [head = '', body = ''] = reply.split('\r\n\r\n');
  const header = /^x-jitgate-error: *(\S+)$/im.exec(head)?.[1];
  const parsed = body ? (JSON.parse(body) as { error?: { code?: string; message?: string } }) : {};
  return {
    status: statusOf(reply),
    header,
    code: parsed.error?.code,
    message: parsed.error?.message,
  };
}

const upgradeHeaders =
  'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

void describe('requests jitgate does not serve', () => {
  it('CONNECT to the portal is answered 400 bad_request', async () => {
    const portal = new URL(demo.url).host;
    const reply = await rawExchange(
      demo.port,
      `CONNECT ${portal} HTTP/1.1\r\nHost: ${portal}\r\n\r\n`,
    );
    const refusal = refusalOf(reply);
    assert.deepEqual(
      [refusal.status, refusal.header, refusal.code],
      [400, 'bad_request', 'bad_request'],
      reply,
    );
    assert.match(refusal.message ?? '', /CONNECT/);
  });

  it('CONNECT to an app host, with the app cookie, is answered 400 bad_request', async () => {
    await grantAlice();
    const app = new URL(demo.payrollOrigin).host;
    const reply = await rawExchange(
      demo.port,
      `CONNECT ${app} HTTP/1.1\r\nHost: ${app}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n\r\n`,
    );
    const refusal = refusalOf(reply);
    assert.deepEqual(
      [refusal.status, refusal.header, refusal.code],
      [400, 'bad_request', 'bad_request'],
      reply,
    );
  });

  it('a POST WebSocket upgrade with a grant is answered 400 bad_request', async () => {
    await grantAlice();
    const app = new URL(demo.payrollOrigin).host;
    const reply = await rawExchange(
      demo.port,
      `POST /ws/echo HTTP/1.1\r\nHost: ${app}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        `Origin: ${demo.payrollOrigin}\r\nContent-Length: 0\r\n${upgradeHeaders}\r\n`,
    );
    const refusal = refusalOf(reply);
    assert.deepEqual(
      [refusal.status, refusal.header, refusal.code],
      [400, 'bad_request', 'bad_request'],
      reply,
    );
    // The same upgrade as a GET opens: only the method was wrong.
    const opened = await rawExchange(
      demo.port,
      `GET /ws/echo HTTP/1.1\r\nHost: ${app}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        `Origin: ${demo.payrollOrigin}\r\n${upgradeHeaders}\r\n`,
      500,
    );
    assert.equal(statusOf(opened), 101);
  });
});
