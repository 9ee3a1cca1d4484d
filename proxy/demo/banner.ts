/**
 * What `npm start` prints once the demo runs. Every command in it works when pasted into a shell
 * in the project folder: when the demo is not on the CLI's default port or state folder, the
 * commands say where it is (--url, --state-dir). Test: test/integration/demo/npm-start.test.ts runs them.
 */
import { resolve } from 'node:path';
import { DEMO_PASSWORD, DEMO_ROLES, DEMO_SAML_IDP } from './demo-config.js';
import type { RunningDemo } from './start-demo.js';

/** The CLI's defaults (proxy/cli/args.ts, commands/admin.ts) when nothing is set in the shell. */
const CLI_DEFAULT_PORT = 8080;
const CLI_DEFAULT_STATE_DIR = '.jitgate';

/** Quotes a word for sh when it holds anything beyond plain path characters. */
export function shellWord(word: string): string {
  return /^[\w./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

type Demo = Pick<
  RunningDemo,
  | 'url'
  | 'port'
  | 'stateDir'
  | 'payrollOrigin'
  | 'sshTarget'
  | 'machines'
  | 'ordersDb'
  | 'kubeReviewerToken'
>;

export function demoBanner(demo: Demo, cwd: string = process.cwd()): string {
  const url = demo.port === CLI_DEFAULT_PORT ? '' : ` --url ${shellWord(demo.url)}`;
  const stateDir =
    demo.stateDir === resolve(cwd, CLI_DEFAULT_STATE_DIR)
      ? ''
      : ` --state-dir ${shellWord(demo.stateDir)}`;
  const logins = Object.entries(DEMO_ROLES)
    .map(([user, role]) => `    ${user.padEnd(6)} (${role})`)
    .join('\n');
  const ssh = demo.sshTarget
    ? `sshd on ${demo.sshTarget.host}:${demo.sshTarget.port}, login deploy → ${demo.sshTarget.account}` +
      ` (with a grant: Open terminal on My access, or npx jitgate login${url} then npx jitgate ssh prod-shell${url})`
    : 'not available: OpenSSH sshd is not installed (apt-get install openssh-server, then restart)';
  const [ci] = demo.machines;
  // The demo's machine secret is printed on purpose: it is new at every start and demo-only.
  const credentials = ci
    ? [
        `JITGATE_CLIENT_ID=${ci.clientId} JITGATE_CLIENT_SECRET=${shellWord(ci.clientSecret)} \\`,
        `    JITGATE_TOKEN_URL=${shellWord(ci.tokenUrl)} \\`,
      ]
    : [];
  const machine =
    ci && demo.ordersDb.ready
      ? [
          `  machine ${ci.clientId} (client credentials at the demo IdP) runs psql as a temporary role:`,
          `    ${credentials.join('\n')}`,
          `    npx jitgate exec orders-db --for 10m --reason "migration"${url} -- psql -c 'select current_user, item, quantity from orders'`,
        ]
      : ci
        ? [
            `  machine ${ci.clientId}: client secret ${ci.clientSecret} (orders-db needs PostgreSQL)`,
          ]
        : [];
  return `
  jitgate demo is running at ${demo.url}
  demo app payroll:  ${demo.payrollOrigin}
  prod-shell:        ${ssh}
  orders-db:         ${demo.ordersDb.summary}
  demo-cluster:      TokenReview webhook ${demo.url}/api/v1/kubernetes/tokenreview (Authorization: Bearer ${demo.kubeReviewerToken})
  logins (password "${DEMO_PASSWORD}"):
${logins}
    alice, bob and carol also sign in with "${DEMO_SAML_IDP.name}" (SAML 2.0)
${machine.join('\n')}
  grant access:  npx jitgate grant alice payroll --for 30m${url}${stateDir}
  state folder:  ${demo.stateDir}
`;
}
