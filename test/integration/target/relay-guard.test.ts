// A relay session (web terminal, `jitgate ssh`) on a guarded target, end to end: the demo as root
// runs a real sshd with the jitgate hook and a target agent. The relay's certificate is good for
// the login only (RELAY_CERTIFICATE_MS), so the guard must not end the session at its
// valid-before: a pass whose clock is past it leaves the relay session open, while the same pass
// still kills a direct certificate's session (`jitgate ssh-cert`: the holder's own key) that is
// past its valid-before. And a relay session whose grant expires is ended by jitgate as `expired`,
// not cut a moment before by the guard (which the session would report as `exit`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { TargetAgent } from '../../../proxy/target/target-agent.js';
import { newEd25519, openSshPrivateKey, publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';
import { RELAY_CERTIFICATE_MS } from '../../../proxy/terminal/terminal-service.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { TerminalClient, terminalUrl } from '../../support/terminal.js';
import { call } from '../access/api-client.js';

const MINUTE = 60_000;

let demo: TestDemo;
let token = '';
let dir: string;
const children = new Set<ReturnType<typeof spawn>>();

before(async () => {
  demo = await startTestDemo();
  assert.ok(demo.sshTarget?.sessionsDir, 'the demo target is guarded (root, with sshd)');
  const alice = await demo.login('alice');
  token = String(
    (await call(alice, demo.url, 'POST', '/api/v1/tokens', { label: 'cli' })).json.token,
  );
  dir = mkdtempSync(join(tmpdir(), 'jitgate-relay-guard-'));
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await demo.stop();
  rmSync(dir, { recursive: true, force: true });
});

const grantAlice = (durationMs: number) =>
  demo.jitgate.grants.grant({ user: 'alice', resource: 'prod-shell', durationMs, actor: 'test' });

async function openTerminal() {
  const client = await TerminalClient.connect(
    terminalUrl(demo.url, 'prod-shell', { login: 'deploy' }),
    { authorization: `Bearer ${token}` },
  );
  client.send('echo relay-$((6*7))\r');
  await client.waitFor('relay-42');
  return client;
}

/** A direct certificate for alice's grant, and an ssh session opened with it (until `ended`). */
async function directSession(grantId: string) {
  const target = demo.sshTarget;
  assert.ok(target);
  const pair = newEd25519();
  const key = join(dir, 'direct_ed25519');
  writeFileSync(key, openSshPrivateKey(pair.privateKey), { mode: 0o600 });
  const response = await fetch(`${demo.url}/api/v1/grants/${grantId}/ssh-cert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ publicKey: publicKeyLine(pair.publicKey), login: 'deploy' }),
  });
  const json = (await response.json()) as { certificate: string };
  assert.equal(response.status, 201, JSON.stringify(json));
  writeFileSync(`${key}-cert.pub`, json.certificate + '\n');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${target.port} ${target.hostKey}\n`);
  const child = spawn(
    'ssh',
    [
      ...['-F', '/dev/null', '-i', key, '-o', `CertificateFile=${key}-cert.pub`],
      ...['-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'BatchMode=yes'],
      ...['-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes'],
      ...['-p', String(target.port), '-l', target.account, '127.0.0.1'],
      'echo direct-open; exec sleep 600',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const ended = new Promise<void>((resolve) =>
    child.on('close', () => {
      children.delete(child);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('direct-open')) resolve();
    });
    void ended.then(() => reject(new Error('the direct session ended before it opened')));
  });
  return { ended };
}

/** A target agent on the demo target's registry whose clock runs `aheadMs` ahead. */
const agentAhead = (aheadMs: number) => {
  assert.ok(demo.sshTarget?.sessionsDir);
  return new TargetAgent({
    url: `http://127.0.0.1:${demo.port}`, // as the demo's own guard reaches it
    revokedKeysFile: join(dir, 'revoked_keys'), // not sshd's: this agent only judges
    sessionsDir: demo.sshTarget.sessionsDir,
    everyMs: MINUTE, // passes are run by the test
    log: silentLogger,
    now: () => Date.now() + aheadMs,
  });
};

void describe('relay sessions on a guarded target', () => {
  it('outlive the relay certificate; a direct certificate past its end is still cut', async (t) => {
    const grant = await grantAlice(30 * MINUTE);
    // Revoked at the end, pass or fail: the next test opens under a grant of its own.
    t.after(() => demo.jitgate.grants.revoke(grant.id, 'test'));
    const relay = await openTerminal();
    const direct = await directSession(grant.id);
    // Past both certificates' valid-before (the relay's few minutes, the direct one's grant end),
    // while the grant itself is live in jitgate.
    assert.ok(RELAY_CERTIFICATE_MS < 30 * MINUTE);
    await agentAhead(31 * MINUTE).nextPass();
    await direct.ended; // its sshd was killed: the connection closed
    relay.send('echo still-$((6*7))\r');
    await relay.waitFor('still-42');
    assert.equal(
      relay.messages.find((m) => m.type === 'ended'),
      undefined,
      'the relay session is open',
    );
    relay.close();
  });

  it('ends as expired at the grant’s end, not as exit just before it', async () => {
    // The certificate's valid-before is the grant's end in whole seconds (rounded down): a grant
    // ending 900 ms into a second gives the demo's guard (every 500 ms) a pass in between.
    const endsAt = Math.ceil((Date.now() + 5_000) / 1000) * 1000 + 900;
    await grantAlice(endsAt - Date.now());
    const relay = await openTerminal();
    const ended = await relay.ended(15_000);
    assert.equal(ended.reason, 'expired', `${ended.reason}: ${ended.message}`);
  });
});
