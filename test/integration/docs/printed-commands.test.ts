// Every jitgate command the README, docs/*.md and the demo banner print is either run here, as
// printed, against a fresh demo, or listed below with the test that drives it and why it is
// not run here. The commands are read from the files (fenced shell blocks and inline code), so a
// command added to the docs without a test fails this one.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { demoBanner } from '../../../proxy/demo/banner.js';
import { runCaptured, type CliResult } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';

/** A printed command: where, and its text (backslash continuations joined). */
interface Printed {
  file: string;
  text: string;
}

const JITGATE = /(?:^|\s|`)(?:npx )?jitgate ([a-z][a-z-]*)/;

/** A shell line that runs jitgate, perhaps after environment assignments. */
const COMMAND_LINE = /^(?:[A-Z_]+=(?:"[^"]*"|\S+)\s+)*(?:npx )?jitgate [a-z]/;

/**
 * Shell fences (sh, bash, shell or none): each command line, continuations joined, comments
 * dropped. Inline code: each span that is a jitgate command (not `npx jitgate …`).
 */
function commandsIn(file: string, markdown: string): Printed[] {
  const found: Printed[] = [];
  let fence: string | undefined;
  let pending = '';
  for (const line of markdown.split('\n')) {
    const marker = /^```(\w*)/.exec(line);
    if (marker) {
      fence = fence === undefined ? (marker[1] ?? '') : undefined;
      continue;
    }
    if (fence === undefined || !['sh', 'bash', 'shell', ''].includes(fence)) continue;
    const joined = pending + line.trim();
    if (joined.endsWith('\\')) {
      pending = joined.slice(0, -1);
      continue;
    }
    pending = '';
    const text = joined.replace(/\s+#.*$/, '');
    if (COMMAND_LINE.test(text)) found.push({ file, text });
  }
  for (const span of markdown.matchAll(/`((?:npx )?jitgate [a-z][^`]*)`/g))
    found.push({ file, text: span[1] ?? '' });
  return found;
}

/** Every subcommand printed anywhere, with where it is printed. */
function printedCommands(banner: string): Printed[] {
  const docs = readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return [
    ...['README.md', ...docs].flatMap((file) => commandsIn(file, readFileSync(file, 'utf8'))),
    ...banner
      .split('\n')
      .flatMap((line) => [...line.matchAll(/npx jitgate [^)\n]+/g)].map((m) => m[0]))
      .map((text) => ({ file: 'banner', text })),
  ];
}

const subcommandOf = (text: string) => JITGATE.exec(` ${text}`)?.[1] ?? '';

/**
 * Subcommands printed but not run here: the test that drives each, and why not here. Each named
 * file must exist and run the subcommand.
 */
const ELSEWHERE: Record<string, { test: string; why: string }> = {
  serve: {
    test: 'test/integration/demo/npm-start.test.ts',
    why: '`npm start` runs `serve` as a new user does; `serve --config FILE` needs your own IdP',
  },
  login: {
    test: 'test/integration/cli/cli-login.test.ts',
    why: 'needs a person to allow it in a browser: that test drives the consent page',
  },
  logout: {
    test: 'test/integration/cli/cli-login.test.ts',
    why: 'needs a signed-in CLI first (login, above)',
  },
  ssh: {
    test: 'test/integration/cli/cli-login.test.ts',
    why: 'an interactive terminal after login: that test types into it (and terminal-cli.test.ts)',
  },
  exec: {
    test: 'test/integration/cli/exec-cli.test.ts',
    why: "a machine identity and PostgreSQL; npm-start.test.ts runs the banner's exec as printed",
  },
  'ssh-cert': {
    test: 'test/integration/cli/ssh-cert-cli.test.ts',
    why: 'a machine identity and a real sshd with the jitgate guard',
  },
  'kubectl-credential': {
    test: 'test/integration/cli/exec-cli.test.ts',
    why: 'a machine identity and a grant on the demo cluster',
  },
  'target-agent': {
    test: 'test/integration/target/target-agent.test.ts',
    why: 'runs as root on an SSH target next to its sshd: that test drives the agent itself',
  },
  reap: {
    test: 'test/integration/credentials/reaper-restart.test.ts',
    why: 'needs PostgreSQL roles left by a stopped jitgate',
  },
  recordings: {
    test: 'test/integration/cli/terminal-cli.test.ts',
    why: '`verify`/`export` need a recorded session (`ts_…`); `list` is run here',
  },
  audit: {
    test: 'test/integration/audit/audit-cli-postgres.test.ts',
    why: '`--postgres` needs PostgreSQL and `--config` a config file; `--state-dir` is run here',
  },
  resources: {
    test: 'test/integration/cli/cli-login.test.ts',
    why: 'a signed-in person (after login)',
  },
  request: {
    test: 'test/integration/access/break-glass.test.ts',
    why: 'a signed-in person with a fresh step-up (`login --step-up`), for break-glass',
  },
  grants: {
    test: 'test/integration/access/break-glass.test.ts',
    why: 'a signed-in person (after login)',
  },
  reviews: {
    test: 'test/integration/access/break-glass.test.ts',
    why: 'an approver signed in, and a break-glass grant to review',
  },
  review: {
    test: 'test/integration/access/break-glass.test.ts',
    why: 'an approver signed in, and a break-glass grant (`GRANT_ID`) to review',
  },
  report: {
    test: 'test/integration/access/access-report.test.ts',
    why: 'a signed-in auditor, and grants in the period to report on',
  },
};

let demo: TestDemo;
let work: string;
let printed: Printed[];

before(async () => {
  demo = await startTestDemo();
  work = mkdtempSync(join(tmpdir(), 'jitgate-printed-'));
  printed = printedCommands(demoBanner(demo));
});
after(async () => {
  await demo.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Runs a printed command line in sh, `jitgate` being this checkout's CLI. */
function sh(line: string): Promise<CliResult> {
  const command = line.replace(/(?:npx )?jitgate /g, `"${process.execPath}" bin/jitgate.mjs `);
  return runCaptured('sh', ['-c', command], { XDG_CONFIG_HOME: work });
}

/**
 * The printed line, pointed at this demo: the docs' example state folder and URL are this demo's,
 * optional `[…]` parts are left out, and output files go to a temporary folder. README commands
 * assume the demo on its default port and folder: like the banner, they get --url/--state-dir.
 */
function here(command: Printed, values: Record<string, string>): string {
  let line = command.text
    .replaceAll('/var/lib/jitgate', demo.stateDir)
    .replace(/\s\[[^\]]*\]/g, '')
    .replace(/> (\S+)/, (_m, file: string) => `> ${join(work, file)}`);
  for (const [placeholder, value] of Object.entries(values))
    line = line.replaceAll(placeholder, value);
  if (command.file === 'README.md' && !line.includes('--state-dir'))
    line += ` --url ${demo.url} --state-dir ${demo.stateDir}`;
  return line;
}

void describe('every printed jitgate command', () => {
  void it('is run here or names the test that runs it', () => {
    const unknown = printed.filter((p) => {
      const sub = subcommandOf(p.text);
      return !['grant', 'revoke'].includes(sub) && !Object.hasOwn(ELSEWHERE, sub);
    });
    assert.deepEqual(unknown, [], 'printed commands with no test');
    for (const [sub, { test }] of Object.entries(ELSEWHERE)) {
      assert.ok(existsSync(test), `${test} (for ${sub}) exists`);
      assert.match(
        readFileSync(test, 'utf8'),
        new RegExp(`'${sub}'|jitgate ${sub}\\b`),
        `${test} runs ${sub}`,
      );
    }
  });

  void it('grant and revoke, as the README prints them', async () => {
    const grant = printed.find(
      (p) => p.file === 'README.md' && /^npx jitgate grant alice payroll/.test(p.text),
    );
    const revoke = printed.find((p) => p.file === 'README.md' && /jitgate revoke </.test(p.text));
    assert.ok(grant && revoke, 'the README prints grant and revoke');
    const granted = await sh(here(grant, {}));
    assert.equal(granted.code, 0, granted.stderr);
    const id = granted.stdout.trim();
    const revoked = await sh(here(revoke, { '<grant id>': id }));
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stderr.trim(), `revoked ${id}`);
  });

  void it('the offline audit and recordings commands on the state folder, as docs print them', async () => {
    const offline = printed.filter(
      (p) =>
        /^jitgate (audit|recordings) /.test(p.text) &&
        p.text.includes('--state-dir /var/lib/jitgate') &&
        !p.text.includes('ts_…'),
    );
    assert.ok(offline.length >= 3, offline.map((p) => p.text).join('\n'));
    for (const command of offline) {
      const run = await sh(here(command, {}));
      assert.equal(run.code, 0, `${command.file}: ${command.text}\n${run.stderr}`);
    }
  });
});
