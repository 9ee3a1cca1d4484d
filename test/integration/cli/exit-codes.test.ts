// Every CLI path that reads an HTTP answer exits by one table (docs/cli.md, exit-codes.ts): a
// server failure (5xx) is 3 whether it reaches the admin token's call, the SDK, a machine's
// client-credentials exchange at the IdP or `jitgate ssh`; a refused credential is 5; any other
// refusal 2. The answers come from a stand-in server: a real jitgate only fails this way on a
// broken disk (test/integration/faults/full-disk.test.ts runs the real CLI against one).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { adminCall } from '../../../proxy/cli/admin-client.js';
import { cliErrorOf, EXIT } from '../../../proxy/cli/exit-codes.js';
import { sshCommand } from '../../../proxy/cli/ssh-command.js';
import { JitgateClient } from '../../../proxy/sdk/jitgate-client.js';

/** What the stand-in answers next: a status and, unless `text`, a jitgate error body. */
let answer: { status: number; code: string; text?: string } = { status: 200, code: '' };
let server: Server;
let url = '';
let stateDir = '';

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'jitgate-exit-'));
  writeFileSync(join(stateDir, 'admin-token'), `jga_${'a'.repeat(43)}\n`);
  server = createServer((req, res) => {
    req.resume();
    const body =
      answer.text ?? JSON.stringify({ error: { code: answer.code, message: 'stand-in' } });
    res.writeHead(answer.status, {
      'content-type': answer.text ? 'text/plain' : 'application/json',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(stateDir, { recursive: true, force: true });
});

/** The exit code the CLI's one error handler (main.ts) would use for what `run` threw. */
async function exitOf(run: () => Promise<unknown>): Promise<number | undefined> {
  try {
    await run();
  } catch (error) {
    return cliErrorOf(error)?.exitCode;
  }
  return EXIT.ok;
}

/** Runs `run` with JITGATE_TOKEN set, as a script gives `jitgate ssh` its token. */
async function withToken(token: string, run: () => Promise<unknown>): Promise<unknown> {
  const before = process.env.JITGATE_TOKEN;
  process.env.JITGATE_TOKEN = token;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.JITGATE_TOKEN;
    else process.env.JITGATE_TOKEN = before;
  }
}

const paths: Record<string, () => Promise<unknown>> = {
  'admin token (grant, revoke)': () =>
    adminCall({ url, stateDir }, '/api/v1/admin/grants', { user: 'alice' }),
  'SDK with a token': () => new JitgateClient({ url, token: 'jgt_x' }).grants(),
  'SDK as a machine (the IdP answers)': () =>
    JitgateClient.forMachine(url, {
      tokenUrl: `${url}/token`,
      clientId: 'ci',
      clientSecret: 's',
    }).grants(),
  'jitgate ssh': () => withToken('jgt_x', () => sshCommand(['prod-shell', '--url', url])),
};

const cases: [string, { status: number; code: string; text?: string }, number][] = [
  ['a server failure', { status: 500, code: 'internal_error' }, EXIT.unreachable],
  ['a 503 without a JSON body', { status: 503, code: '', text: 'busy' }, EXIT.unreachable],
  ['a refused credential', { status: 401, code: 'invalid_token' }, EXIT.unauthenticated],
  ['a refusal', { status: 403, code: 'not_allowed' }, EXIT.refused],
  ['an unknown id', { status: 404, code: 'unknown_grant' }, EXIT.refused],
];

/** The IdP refusing a machine's client credentials, whatever its 4xx, is a refused credential. */
const expected = (path: string, status: number, code: number) =>
  path.includes('machine') && status < 500 ? EXIT.unauthenticated : code;

void describe('CLI exit codes', () => {
  for (const [path, run] of Object.entries(paths))
    for (const [what, reply, code] of cases) {
      const exit = expected(path, reply.status, code);
      it(`${path}: ${what} (${reply.status}) exits ${exit}`, async () => {
        answer = reply;
        assert.equal(await exitOf(run), exit);
      });
    }
});

void describe('jitgate ssh --token', () => {
  it('is refused as usage, naming JITGATE_TOKEN: ps shows every argument', async () => {
    answer = { status: 200, code: '' };
    let error: unknown;
    try {
      await sshCommand(['prod-shell', '--url', url, '--token', 'jgt_x']);
    } catch (thrown) {
      error = thrown;
    }
    assert.equal(cliErrorOf(error)?.exitCode, EXIT.usage);
    assert.match(String((error as Error).message), /JITGATE_TOKEN/);
    assert.doesNotMatch(String((error as Error).message), /jgt_x/);
  });
});
