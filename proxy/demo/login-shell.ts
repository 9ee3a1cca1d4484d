/**
 * The login of jitgate's own SSH target (the demo's, the tests', the bench's): a plain shell that
 * skips the account's login files. sshd runs it instead of the account's login shell
 * (ForceCommand). The target logs in as whoever runs it, often root, whose login files are that
 * machine's business: one here runs a tool at every login that takes a lock, and a session ended
 * during login (a grant revoked as the session opens) left the lock held, so every later login
 * waited 60 s and the terminal tests timed out.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `#!/bin/sh
# A command (ssh target cmd) runs as asked; an interactive login gets a shell without login files.
if [ -n "$SSH_ORIGINAL_COMMAND" ]; then exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"; fi
if [ -x /bin/bash ]; then exec /bin/bash --noprofile --norc -i; fi
exec /bin/sh -i
`;

/** Writes the script into `dir`; returns the sshd_config line that runs it. */
export function cleanLogin(dir: string): string {
  const path = join(dir, 'login-shell');
  writeFileSync(path, SCRIPT);
  chmodSync(path, 0o755);
  return `ForceCommand ${path}`;
}
