// `--url` that names something other than jitgate (another web server on that port, an app host,
// the sign-in page of a proxy in front) answers 200 with a page, not jitgate's JSON. The CLI
// says so and exits 3 (docs/cli.md); it never reports a revoke or a release that did not happen,
// nor fails as "unexpected" with a stack.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { WebSocketServer } from 'ws';
import { runCli } from '../../support/cli.js';

let server: Server;
let url = '';
let stateDir = '';
before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><h1>Sign in</h1></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  stateDir = mkdtempSync(join(tmpdir(), 'jitgate-not-jitgate-'));
  writeFileSync(join(stateDir, 'admin-token'), 'admin-token-of-the-test\n', { mode: 0o600 });
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(stateDir, { recursive: true, force: true });
});

const env = { JITGATE_TOKEN: 'jgt_test', XDG_CONFIG_HOME: '/nonexistent' };

void describe('a --url that is not jitgate', () => {
  const cases: [string, string[]][] = [
    ['release', ['release', 'grt_1']],
    ['revoke (bearer)', ['revoke', 'grt_1']],
    ['revoke (admin token)', ['revoke', 'grt_1', '--state-dir']],
    ['grant (admin token)', ['grant', 'alice', 'payroll', '--for', '5m', '--state-dir']],
    ['resources', ['resources']],
    ['request', ['request', 'payroll', '--for', '5m', '--reason', 'x']],
  ];
  for (const [name, args] of cases)
    void it(`${name}: says it is not jitgate's answer and exits 3`, async () => {
      const full = args.at(-1) === '--state-dir' ? [...args, stateDir] : args;
      const run = await runCli([...full, '--url', url], env);
      assert.equal(run.code, 3, run.stderr);
      assert.doesNotMatch(run.stderr, /unexpected|revoked|released|granted/);
      assert.match(run.stderr, /did not answer as jitgate \(HTTP 200, text\/html\)/);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
    });
});

void describe('jitgate ssh to a WebSocket that is not jitgate', () => {
  void it("says its messages are not jitgate's and exits 3, with no stack", async () => {
    const other = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    other.on('connection', (socket) => socket.send('<b>welcome</b>'));
    await new Promise((resolve) => other.once('listening', resolve));
    try {
      const port = (other.address() as { port: number }).port;
      const run = await runCli(['ssh', 'prod-shell', '--url', `http://127.0.0.1:${port}`], env);
      assert.equal(run.code, 3, run.stderr);
      assert.doesNotMatch(run.stderr, /SyntaxError|at /);
      assert.match(
        run.stderr,
        /does not speak jitgate's terminal protocol: is --url jitgate's address\?/,
      );
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

void describe("an answer larger than any of jitgate's", () => {
  void it('is read no further than the bound: one line, exit 3', async () => {
    // 80 MiB of one JSON string: more than jitgate ever answers, sent as fast as it is read.
    const chunk = Buffer.alloc(1 << 20, 'a');
    const flood = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"resources":"');
      let sent = 0;
      const pump = () => {
        while (sent < 80 && res.write(chunk)) sent++;
        if (sent < 80) res.once('drain', pump);
        else res.end('"}');
      };
      pump();
    });
    await new Promise<void>((resolve) => flood.listen(0, '127.0.0.1', resolve));
    try {
      const port = (flood.address() as { port: number }).port;
      const run = await runCli(['resources', '--url', `http://127.0.0.1:${port}`], env);
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /answered more than 64 MiB/);
      assert.doesNotMatch(run.stderr, /unexpected/);
    } finally {
      flood.closeAllConnections();
      await new Promise((resolve) => flood.close(resolve));
    }
  });
});

void describe("jitgate ssh refused with an answer larger than any of jitgate's", () => {
  void it('reads the refusal no further than its bound: one line, the status', async () => {
    // A refusal of the upgrade whose body never ends: jitgate's are a few hundred bytes.
    const endless = createServer();
    endless.on('upgrade', (_req, socket: Socket) => {
      socket.write('HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\n\r\n{"error":"');
      const pump = () => {
        while (!socket.destroyed && socket.write(Buffer.alloc(64 * 1024, 'a')));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      socket.on('error', () => undefined);
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const port = (endless.address() as { port: number }).port;
      const run = await runCli(['ssh', 'prod-shell', '--url', `http://127.0.0.1:${port}`], env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /HTTP 403 \(http_403\)/);
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
