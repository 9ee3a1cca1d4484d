// The demo app "payroll": what it shows of the identity it receives, and that it echoes headers,
// WebSocket frames and streamed bodies faithfully without ever falling over on bad input.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { WebSocket } from 'ws';
import { startPayrollApp, type PayrollApp } from '../../../proxy/demo/payroll.js';

let app: PayrollApp;
before(async () => {
  app = await startPayrollApp({});
});
after(() => app.close());

const fakeJwt = (payload: object) =>
  ['{"alg":"none"}', JSON.stringify(payload), '']
    .map((p) => Buffer.from(p).toString('base64url'))
    .join('.');

void describe('payroll demo app', () => {
  void it('listens on loopback with a random port', () => {
    assert.match(app.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  void it('echoes the request headers it received, with lower-case keys', async () => {
    const res = await fetch(`${app.url}/headers`, { headers: { 'X-Jitgate-Test': 'yes' } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { headers: Record<string, string> };
    assert.equal(body.headers['x-jitgate-test'], 'yes');
    assert.ok(body.headers.host?.startsWith('127.0.0.1:'));
  });

  void it('says so when no identity arrives', async () => {
    const html = await (await fetch(app.url)).text();
    assert.match(html, /<h1>Payroll<\/h1>/);
    assert.match(html, /no identity received/);
    assert.match(html, /href="\/headers"/);
    assert.match(html, /href="\/ws"/);
  });

  void it('shows the identity assertion, escaped', async () => {
    const assertion = fakeJwt({
      sub: '<b>alice</b>',
      email: 'alice@example.test',
      groups: ['staff', 'eng'],
      grant: 'g-1',
    });
    const html = await (
      await fetch(app.url, { headers: { 'x-jitgate-assertion': assertion } })
    ).text();
    assert.match(html, /&#60;b&#62;alice&#60;\/b&#62;/);
    assert.doesNotMatch(html, /<b>alice/);
    assert.match(html, /alice@example\.test/);
    assert.match(html, /staff, eng/);
    assert.match(html, /g-1/);
  });

  void it('does not break on an undecodable assertion', async () => {
    const res = await fetch(app.url, { headers: { 'x-jitgate-assertion': 'a.%%%.c' } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /could not be decoded/);
  });

  void it('serves the WebSocket page with the expected elements', async () => {
    const html = await (await fetch(`${app.url}/ws`)).text();
    for (const id of ['status', 'log', 'msg', 'send']) assert.match(html, new RegExp(`id="${id}"`));
    assert.match(html, /\/ws\/echo/);
  });

  void it('echoes WebSocket messages', async () => {
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws/echo`);
    await once(ws, 'open');
    ws.send('hello payroll');
    const [data] = (await once(ws, 'message')) as [Buffer];
    assert.equal(data.toString(), 'hello payroll');
    ws.close();
    await once(ws, 'close');
  });

  void it('refuses WebSocket upgrades elsewhere', async () => {
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}/nope`);
    const [error] = (await once(ws, 'error')) as [Error];
    assert.match(error.message, /404/);
  });

  void it('streams a POST body back chunk by chunk', async () => {
    const { port } = new URL(app.url);
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'text/plain' },
    });
    req.write('first ');
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    assert.equal(res.statusCode, 200);
    // The first chunk comes back before the request is finished: nothing is buffered.
    const [first] = (await once(res, 'data')) as [Buffer];
    assert.equal(first.toString(), 'first ');
    req.end('second');
    let rest = '';
    for await (const chunk of res) rest += String(chunk);
    assert.equal(rest, 'second');
  });

  void it('answers slowly when asked, within bounds', async () => {
    const started = Date.now();
    const res = await fetch(`${app.url}/slow?ms=50`);
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started >= 45);
    assert.equal((await fetch(`${app.url}/slow?ms=20000`)).status, 400);
    assert.equal((await fetch(`${app.url}/slow?ms=abc`)).status, 400);
  });

  void it('answers 404 for anything else', async () => {
    assert.equal((await fetch(`${app.url}/nope`)).status, 404);
    assert.equal((await fetch(`${app.url}/headers`, { method: 'DELETE' })).status, 404);
  });

  void it('survives a malformed request line', async () => {
    const { port } = new URL(app.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('THIS IS NOT HTTP\r\n\r\n');
    let reply = '';
    for await (const chunk of socket) reply += String(chunk);
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal((await fetch(`${app.url}/headers`)).status, 200);
  });
});
