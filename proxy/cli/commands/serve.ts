/** `jitgate serve [--config FILE]`: a real deployment, or (no config) the demo on :8080. */
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../config/load.js';
import { DEMO_PASSWORD, DEMO_ROLES, DEMO_SAML_IDP } from '../../demo/demo-config.js';
import { DEMO_PG_ENV } from '../../demo/demo-machines.js';
import { startDemo } from '../../demo/start-demo.js';
import { startJitgate } from '../../server/start.js';
import { CliError } from '../exit-codes.js';

export async function serve(args: string[]): Promise<() => Promise<void>> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  if (values.config) {
    const running = await startJitgate({
      config: loadConfigFile(values.config),
      configSource: values.config,
    });
    console.error(`jitgate listening on ${running.url}`);
    return () => running.close();
  }
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`PORT must be a port number`);
  const demo = await startDemo({ port, stateDir: process.env.JITGATE_STATE_DIR });
  const logins = Object.entries(DEMO_ROLES)
    .map(([user, role]) => `    ${user.padEnd(6)} (${role})`)
    .join('\n');
  const [ci] = demo.machines;
  // The demo's machine secret is printed on purpose: it is new at every start and demo-only.
  const machine = ci
    ? `  machine client (client credentials at the demo IdP):
    JITGATE_CLIENT_ID=${ci.clientId} JITGATE_CLIENT_SECRET=${ci.clientSecret} \\
    JITGATE_TOKEN_URL=${ci.tokenUrl} \\
    npx jitgate exec orders-db --for 10m --reason "migration" -- psql -c 'select current_user'`
    : '';
  const kube = `  demo-cluster:      TokenReview webhook ${demo.url}/api/v1/kubernetes/tokenreview (Authorization: Bearer ${demo.kubeReviewerToken})`;
  const orders = demo.ordersDb
    ? '  orders-db: ready'
    : `  orders-db: set ${DEMO_PG_ENV}=postgresql://admin:…@host/db to mint temporary roles`;
  const ssh = demo.sshTarget
    ? `  prod-shell:        sshd on ${demo.sshTarget.host}:${demo.sshTarget.port}, login deploy → ${demo.sshTarget.account} (web terminal or: npx jitgate ssh prod-shell)`
    : '  prod-shell:        skipped (no /usr/sbin/sshd: apt-get install openssh-server)';
  console.error(`
  jitgate demo is running at ${demo.url}
  demo app payroll:  ${demo.payrollOrigin}
${ssh}
  logins (password "${DEMO_PASSWORD}"):
${logins}
    alice, bob and carol also sign in with "${DEMO_SAML_IDP.name}" (SAML 2.0)
${machine}
${orders}
${kube}
  grant access:  npx jitgate grant alice payroll --for 30m
  state folder:  ${demo.stateDir}
`);
  return () => demo.close();
}
