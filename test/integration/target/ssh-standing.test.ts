// Standing privilege on a real sshd that jitgate manages: `jitgate target-agent --standing` reads
// `sshd -T` and the accounts' authorized_keys and reports to jitgate with the resource's agent
// token. Before any report the target reads "not reported yet"; a host that admits only jitgate's
// certificates reports nothing; an authorized_keys entry added behind jitgate's back is found
// (account, fingerprint as ssh-keygen prints it, comment), for auditors over the API, in the
// access review's JSON and CSV and on /metrics. A report without the agent token, or with text
// that is not printable, is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { StandingFinding } from '../../../proxy/credentials/standing-scan.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { emptyStandingReport } from '../../../proxy/shared/ssh-standing-report.js';
import { TargetAgent } from '../../../proxy/target/target-agent.js';
import { publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';
import { startSshTarget, type SshTarget } from '../../support/sshd.js';
import { startTestProxy, testUser, type TestProxy } from '../../support/test-proxy.js';
import { call } from '../access/api-client.js';

const TOKEN = 'agent-token-'.padEnd(44, 'x');

let target: SshTarget;
let proxy: TestProxy;
let carol: TestBrowser;
let agent: TargetAgent;

before(async () => {
  const started = await startSshTarget({
    caKeys: [],
    principals: { root: ['deploy'] },
    authorizedKeys: true,
  });
  if (!started) throw new Error('sshd is not installed');
  target = started;
  proxy = await startTestProxy({
    users: [testUser('carol', ['auditors'])],
    idps: { demo: {} },
    config: {
      auditors: { groups: ['auditors'] },
      resources: [
        {
          id: 'prod-shell',
          kind: 'ssh',
          host: target.host,
          port: target.port,
          hostKey: target.hostKey,
          logins: ['deploy'],
          accounts: { deploy: 'root' },
          agentToken: TOKEN,
        },
      ],
    },
  });
  // The target trusts jitgate's CA, as `curl …/ssh/ca.pub > TrustedUserCAKeys` does.
  target.trust((await (await fetch(`${proxy.url}/ssh/ca.pub`)).text()).trim().split('\n'));
  carol = (await proxy.login('carol', 'demo')).browser;
  agent = new TargetAgent({
    url: proxy.url,
    revokedKeysFile: target.revokedKeysFile,
    sessionsDir: target.sessionsDir ?? '/nonexistent',
    everyMs: 60_000,
    standing: {
      resource: 'prod-shell',
      token: TOKEN,
      sshd: '/usr/sbin/sshd',
      sshdConfig: target.configFile,
      passwd: '/etc/passwd',
      group: '/etc/group',
      everyMs: 600_000,
    },
    log: silentLogger,
  });
});
after(async () => {
  await agent?.stop();
  await proxy?.stop();
  await target?.close();
});

const findings = async () => {
  const reply = await call(carol, proxy.url, 'GET', '/api/v1/reports/standing');
  assert.equal(reply.status, 200, reply.body);
  return (reply.json.findings as StandingFinding[]).filter((f) => f.resource === 'prod-shell');
};

const report = (body: unknown, token = TOKEN) =>
  rawRequest(`${proxy.url}/ssh/standing-report`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

void describe('standing privilege on an SSH target', () => {
  void it('reads "not reported yet" until the agent reports, then nothing on a clean host', async () => {
    assert.deepEqual(await findings(), [
      { resource: 'prod-shell', kind: 'scan_failed', principal: null, detail: 'not reported yet' },
    ]);
    await agent.reportStanding();
    // Only jitgate's CA is trusted, no password logins, and no account has a key: clean.
    assert.deepEqual(await findings(), []);
  });

  void it('finds an authorized_keys entry added behind jitgate’s back', async () => {
    const dir = target.authorizedKeysDir ?? '';
    const key = generateKeyPairSync('ed25519').publicKey;
    writeFileSync(join(dir, 'root'), `${publicKeyLine(key, 'backdoor@laptop')}\n`);
    const printed = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'root')]).toString();
    const fingerprint = printed.split(' ')[1] ?? '';
    assert.match(fingerprint, /^SHA256:/);

    await agent.reportStanding();
    const found = await findings();
    assert.deepEqual(found, [
      {
        resource: 'prod-shell',
        kind: 'ssh_authorized_key',
        principal: 'root',
        detail: `ssh-ed25519 ${fingerprint} "backdoor@laptop" (${join(dir, 'root')}:1)`,
      },
    ]);
    const [audited] = await proxy.jitgate.audit.list({
      code: 'standing.reported',
      order: 'desc',
      limit: 1,
    });
    assert.deepEqual(
      [audited?.actor, audited?.target, audited?.data.findings],
      ['target-agent', 'prod-shell', 1],
      'each report is audited',
    );

    const review = await call(carol, proxy.url, 'GET', '/api/v1/reports/access');
    assert.equal(review.status, 200, review.body);
    assert.deepEqual(review.json.standing, found);
    const csv = await carol.navigate(`${proxy.url}/api/v1/reports/access?format=csv`);
    assert.match(csv.body, /,"standing_kind","standing_principal","standing_detail"\r\n/);
    assert.ok(
      csv.body.includes(`"prod-shell",${'"",'.repeat(19)}"ssh_authorized_key","root",`),
      csv.body,
    );
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    assert.equal(Number(/^jitgate_standing_privileges (\d+)$/m.exec(metrics)?.[1]), 1);

    rmSync(join(dir, 'root'));
    await agent.reportStanding();
    assert.deepEqual(await findings(), [], 'gone once the key is');
  });

  void it('refuses a report without the agent token, or with unprintable text', async () => {
    const clean = emptyStandingReport('prod-shell');
    for (const token of ['wrong-token', '']) {
      const refused = await report(clean, token);
      assert.equal(refused.status, 401, refused.body);
      assert.match(refused.body, /agent_token_invalid/);
    }
    const other = await report({ ...clean, resource: 'payroll' });
    assert.equal(other.status, 401, 'a token speaks for its own resource only');
    const hostile = await report({
      ...clean,
      principals: [{ account: 'root', principal: 'deploy\u001b[2J' }],
    });
    assert.equal(hostile.status, 400, hostile.body);
    assert.match(hostile.body, /invalid_body/);
  });
});
