/**
 * Whether sshd's configuration has `Match` blocks: then its settings differ per account, and the
 * agent asks sshd for each account's (`sshd -T -C user=NAME`) instead of the global ones. Reads
 * the file and those its `Include` lines name (globs of `*` and `?` in the last part, relative
 * paths under /etc/ssh, as sshd resolves them), bounded. When a file cannot be read the answer
 * is yes: asking per account costs time, guessing wrong would hide access.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

const MAX_FILES = 64;
const MAX_DEPTH = 8;
const MAX_BYTES = 1024 * 1024;
const SSH_DIR = '/etc/ssh';

/** The files an Include pattern names, in sshd's order (sorted). */
function included(pattern: string): string[] {
  const path = isAbsolute(pattern) ? pattern : join(SSH_DIR, pattern);
  const name = basename(path);
  if (!/[*?]/.test(name)) return [path];
  const glob = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  try {
    return readdirSync(dirname(path))
      .filter((entry) => glob.test(entry) && !entry.startsWith('.'))
      .sort()
      .map((entry) => join(dirname(path), entry));
  } catch {
    return []; // a folder that is not there includes nothing, for sshd too
  }
}

export function sshdConfigHasMatch(configPath: string): boolean {
  const seen = new Set<string>();
  const visit = (path: string, depth: number): boolean => {
    if (seen.has(path)) return false;
    if (depth > MAX_DEPTH || seen.size >= MAX_FILES) return true;
    seen.add(path);
    let text: string;
    try {
      if (statSync(path).size > MAX_BYTES) return true;
      text = readFileSync(path, 'utf8');
    } catch {
      return true;
    }
    for (const raw of text.split('\n')) {
      const [keyword, ...values] = raw.trim().split(/\s+/);
      const word = keyword?.toLowerCase();
      if (word === 'match') return true;
      if (word === 'include')
        for (const pattern of values)
          for (const file of included(pattern)) if (visit(file, depth + 1)) return true;
    }
    return false;
  };
  return visit(configPath, 0);
}
