/**
 * Which module runs each `jitgate` subcommand, loaded only when that command runs. `serve` pulls
 * in the whole server (Express, the store drivers, the IdP client): loading it for every
 * `jitgate request` cost ten times the command's own start-up, which a person waits for and a
 * CI job pays on every call.
 */
export type Command = (args: string[]) => Promise<unknown>;
type Loader = () => Promise<Command>;

const access = () => import('./commands/access.js');
const admin = () => import('./commands/admin.js');
const breakGlass = () => import('./commands/break-glass.js');
const credentials = () => import('./commands/credentials.js');
const login = () => import('./commands/login.js');

export const COMMANDS: Record<string, Loader> = {
  login: async () => (await login()).login,
  logout: async () => (await login()).logout,
  resources: async () => (await access()).resources,
  request: async () => (await access()).request,
  requests: async () => (await access()).requests,
  approve: async () => (await access()).approve,
  deny: async () => (await access()).deny,
  grants: async () => (await access()).grants,
  release: async () => (await access()).release,
  reviews: async () => (await breakGlass()).reviews,
  review: async () => (await breakGlass()).review,
  report: async () => (await import('./commands/report.js')).report,
  revoke: async () => (await admin()).revoke,
  grant: async () => (await admin()).grant,
  'end-sessions': async () => (await admin()).endSessions,
  'ssh-cert': async () => (await credentials()).sshCert,
  'kubectl-credential': async () => (await credentials()).kubectlCredential,
  reap: async () => (await import('./commands/reap.js')).reap,
  audit: async () => (await import('./audit-command.js')).auditCommand,
  ssh: async () => (await import('./ssh-command.js')).sshCommand,
  recordings: async () => (await import('./recordings-command.js')).recordingsCommand,
};

/** The loader of `command`, or undefined for anything not in the table (even `toString`). */
export const commandLoader = (command: string): Loader | undefined =>
  Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
