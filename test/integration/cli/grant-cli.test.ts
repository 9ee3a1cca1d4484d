// The real `jitgate` CLI (bin/jitgate.mjs, from source) against a running demo: `grant` prints a
// grant id and the person reaches the app at once, `revoke` refuses them again at once; refusals
// (unknown user) exit 2, a refused admin token 5 (docs/cli.md: the credential was refused) and an
// unreachable proxy exits 3, each with one line on stderr and never a stack trace.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type Reply } from '../../support/http-client.js';
import { closedPort } from '../../support/closed-port.js';

const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));
const APP_COOKIE = 'jitgate_session_app';

let demo: TestDemo;
/** The proxy as the CLI reaches it: by IP, since Node cannot resolve *.localhost names. */
let proxyUrl: string;
let appCookie: string;
const tempDirs: string[] = [];

before(async () => {
  demo = await startTestDemo();
  proxyUrl = `http://127.0.0.1:${demo.port}`;
  const alice = await demo.login('alice');
  const refused = await alice.navigate(`${demo.payrollOrigin}/`);
  assert.equal(refused.status, 403);
  appCookie = alice.jar.get('payroll.localhost', APP_COOKIE) ?? '';
  assert.ok(appCookie);
});
after(async () => {
  await demo.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, JITGATE_FROM_SOURCE: '1', PORT: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A user error: the given exit code, nothing on stdout, one line on stderr, no stack trace. */
function assertOneLineError(result: CliResult, code: number, pattern: RegExp) {
  assert.equal(result.code, code, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.doesNotMatch(result.stderr, /\n\s+at |Error:|node:internal/, 'no stack trace');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.match(lines[0] ?? '', /^jitgate: /);
  assert.match(lines[0] ?? '', pattern);
}

function payrollAsAlice(): Promise<Reply> {
  return rawRequest(`${demo.payrollOrigin}/headers`, {
    headers: {
      accept: 'application/json',
      'sec-fetch-mode': 'cors',
      cookie: `${APP_COOKIE}=${appCookie}`,
    },
  });
}

void describe('jitgate grant / revoke', () => {
  void it('grants access that works at once, and revokes it at once', async () => {
    const granted = await cli(
      'grant',
      'alice',
      'payroll',
      '--for',
      '30m',
      '--reason',
      'integration test',
      '--url',
      proxyUrl,
      '--state-dir',
      demo.stateDir,
    );
    assert.equal(granted.code, 0, granted.stderr);
    const id = granted.stdout.trim();
    assert.match(id, /^grt_[A-Za-z0-9_-]{8,64}$/, 'stdout is the grant id alone');
    assert.match(granted.stderr, /^granted alice access to payroll until \d{4}-/);
    assert.doesNotMatch(granted.stderr, /jga_/, 'the admin token is never printed');

    const reached = await payrollAsAlice();
    assert.equal(reached.status, 200);
    const grant = await demo.jitgate.store.grants.get(id);
    assert.equal(grant?.userId, 'demo:alice');
    assert.equal(grant?.reason, 'integration test');
    assert.equal(grant?.createdBy, 'admin-cli');
    assert.ok(grant && Math.abs(grant.endsAt - grant.startsAt - 30 * 60_000) < 1000);

    const revoked = await cli('revoke', id, '--url', proxyUrl, '--state-dir', demo.stateDir);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout, '');
    assert.equal(revoked.stderr.trim(), `revoked ${id}`);
    const refused = await payrollAsAlice();
    assert.equal(refused.status, 403);

    // Revoking it again says it had already ended, by whom and when, and changes nothing.
    const ended = await demo.jitgate.store.grants.get(id);
    const again = await cli('revoke', id, '--url', proxyUrl, '--state-dir', demo.stateDir);
    assert.equal(again.code, 2, again.stderr);
    assert.match(
      again.stderr.trim(),
      new RegExp(
        `^jitgate: ${id} has already ended: revoked by admin-cli at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; nothing to revoke \\(grant_not_live\\)$`,
      ),
    );
    assert.deepEqual(await demo.jitgate.store.grants.get(id), ended);
  });

  void it('refuses what the proxy refuses with exit code 2 (5 for a refused token)', async () => {
    const badTokenDir = mkdtempSync(join(tmpdir(), 'jitgate-cli-'));
    tempDirs.push(badTokenDir);
    cpSync(demo.stateDir, badTokenDir, { recursive: true });
    writeFileSync(join(badTokenDir, 'admin-token'), `jga_${'x'.repeat(43)}\n`);
    const [unknownUser, unknownResource, badToken, unknownGrant] = await Promise.all([
      cli(
        'grant',
        'mallory',
        'payroll',
        '--for',
        '30m',
        '--url',
        proxyUrl,
        '--state-dir',
        demo.stateDir,
      ),
      cli(
        'grant',
        'alice',
        'nowhere',
        '--for',
        '30m',
        '--url',
        proxyUrl,
        '--state-dir',
        demo.stateDir,
      ),
      cli(
        'grant',
        'alice',
        'payroll',
        '--for',
        '30m',
        '--url',
        proxyUrl,
        '--state-dir',
        badTokenDir,
      ),
      cli('revoke', 'grt_doesnotexist', '--url', proxyUrl, '--state-dir', demo.stateDir),
    ]);
    assertOneLineError(unknownUser, 2, /no user "mallory".*\(unknown_user\)/);
    assertOneLineError(unknownResource, 2, /\(unknown_resource\)/);
    assertOneLineError(badToken, 5, /\(admin_required\)/);
    assertOneLineError(unknownGrant, 2, /\(unknown_grant\)/);
    assert.equal((await payrollAsAlice()).status, 403, 'nothing was granted');
  });

  void it('a grant beyond what policy allows needs --force, and says why', async () => {
    const target = ['--url', proxyUrl, '--state-dir', demo.stateDir];
    const refused = await cli('grant', 'alice', 'payroll', '--for', '9h', ...target);
    assertOneLineError(
      refused,
      2,
      /alice may have payroll for at most 8h under policy; pass --force .*\(grant_outside_policy\)/,
    );
    const forced = await cli('grant', 'alice', 'payroll', '--for', '9h', '--force', ...target);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^grt_/);
    assert.match(forced.stderr, /outside policy/);
    const revoked = await cli('revoke', forced.stdout.trim(), ...target);
    assert.equal(revoked.code, 0, revoked.stderr);
  });

  void it('exits 3 when the proxy cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(
      'grant',
      'alice',
      'payroll',
      '--for',
      '30m',
      '--url',
      url,
      '--state-dir',
      demo.stateDir,
    );
    assertOneLineError(result, 3, /cannot reach jitgate at http:\/\/127\.0\.0\.1:\d+/);
  });

  void it('exits 1 on a usage error or a state folder without a token', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'jitgate-cli-'));
    tempDirs.push(emptyDir);
    const [noToken, badDuration] = await Promise.all([
      cli('revoke', 'grt_abcdefgh', '--url', proxyUrl, '--state-dir', emptyDir),
      cli('grant', 'alice', 'payroll', '--url', proxyUrl, '--state-dir', demo.stateDir),
    ]);
    assertOneLineError(noToken, 1, /no admin token in /);
    assertOneLineError(badDuration, 1, /--for is required \(e\.g\. --for 30m\)/);
  });
});
