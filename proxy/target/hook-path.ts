/**
 * Where the sshd hook of the jitgate guard (bin/jitgate-sshd-hook, a POSIX shell script) is in
 * this installation: beside the sources, or one folder up from the compiled dist/.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function sshdHookPath(): string {
  for (const relative of ['../../bin/jitgate-sshd-hook', '../../../bin/jitgate-sshd-hook']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('bin/jitgate-sshd-hook is missing from this installation');
}
