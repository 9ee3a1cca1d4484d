/**
 * Another site, for tests that check what the extension never does for it: a page that posts a
 * form to the app on load, and a copy of the app's login form on another origin (a look-alike).
 * Chromium resolves every *.localhost name to loopback, so one server serves any host name.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Attacker {
  port: number;
  close(): Promise<void>;
}

const LOGIN_COPY = `<!doctype html><title>Payroll sign-in</title><h1>Payroll sign-in</h1>
<form method="post" action="/steal"><input id="username" name="username">
<input id="password" name="password" type="password"><button id="sign-in" type="submit">Sign in</button></form>`;

export async function startAttacker(): Promise<Attacker> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://attacker');
    const target = url.searchParams.get('target') ?? '';
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html' }).end(body);
    if (url.pathname === '/post')
      return html(`<!doctype html><form id="f" method="post" action="${target}">
<input name="amount" value="1000000"></form><script>document.getElementById('f').submit()</script>`);
    if (url.pathname === '/login') return html(LOGIN_COPY);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
