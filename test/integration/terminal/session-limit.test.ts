// One person's terminal sessions on one jitgate process are bounded (terminal.maxSessionsPerPerson,
// 2 here): web and CLI sessions count together, opens racing each other cannot pass the bound
// together, a session that ends gives its slot back, and another person is not held by it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { aliceOnProdShell, Refused, TerminalClient, terminalUrl } from '../../support/terminal.js';
import { portalCookie } from '../access/api-client.js';
import type { TestBrowser } from '../../support/http-client.js';

let demo: TestDemo;
let alice: TestBrowser;
let token = '';

before(async () => {
  demo = await startTestDemo({
    postgres: false,
    configure: (config) => ({
      ...config,
      terminal: { ...config.terminal, maxSessionsPerPerson: 2 },
    }),
  });
  assert.ok(demo.sshTarget, 'the demo runs its sshd (openssh-server; see .ci/run)');
  ({ alice, token } = await aliceOnProdShell(demo));
});
after(() => demo.stop());

const url = () => terminalUrl(demo.url, 'prod-shell', { login: 'deploy' });
const viaCli = () => TerminalClient.connect(url(), { authorization: `Bearer ${token}` });
const viaWeb = (browser: TestBrowser) =>
  TerminalClient.connect(url(), { cookie: portalCookie(browser), origin: demo.url });

async function ready(client: TerminalClient): Promise<TerminalClient> {
  await client.until(() => client.messages.some((m) => m.type === 'ready'), 'ready');
  return client;
}

async function exit(client: TerminalClient): Promise<void> {
  client.send('exit\r');
  assert.equal((await client.ended()).reason, 'exit');
  await client.closed;
}

void describe('terminal sessions per person', () => {
  it('refuses one more than the bound, web and CLI together, until one ends', async () => {
    const web = await ready(await viaWeb(alice));
    const cli = await ready(await viaCli());
    const refused = await viaCli().then(
      () => assert.fail('a third session was opened'),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof Refused, String(refused));
    assert.deepEqual([refused.status, refused.code], [429, 'too_many_terminals']);
    await exit(web);
    const again = await ready(await viaCli());
    for (const client of [cli, again]) await exit(client);
  });

  it('lets racing opens through up to the bound only', async () => {
    const tries = await Promise.allSettled(Array.from({ length: 6 }, () => viaCli()));
    const opened = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
    const codes = tries.flatMap((t) =>
      t.status === 'rejected' && t.reason instanceof Refused ? [t.reason.code] : [],
    );
    assert.equal(opened.length, 2, `opened ${opened.length}`);
    assert.deepEqual(codes, Array(4).fill('too_many_terminals'));
    for (const client of opened) await exit(await ready(client));
  });

  it("does not hold another person's sessions", async () => {
    const held = await Promise.all([viaCli(), viaCli()].map(async (c) => ready(await c)));
    await demo.jitgate.grants.grant({
      user: 'bob',
      resource: 'prod-shell',
      durationMs: 30 * 60_000,
      actor: 'test',
    });
    const bob = await ready(await viaWeb(await demo.login('bob')));
    for (const client of [...held, bob]) await exit(client);
  });
});
