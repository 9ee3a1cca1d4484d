/**
 * Starts pysaml2_idp.py, an IdP on Debian's python3-pysaml2 and xmlsec1 (installed by .ci/run),
 * on a random loopback port, with its own key and the given users. Debian's python3 is used
 * explicitly: a python on PATH (pyenv, venv) may not see Debian's packages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { testSigningKey } from './saml-forge.js';

const SCRIPT = fileURLToPath(new URL('./pysaml2_idp.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

export interface Pysaml2User {
  username: string;
  password: string;
  mail: string;
  displayName: string;
  groups: string[];
}

export interface Pysaml2Idp {
  url: string;
  metadataUrl: string;
  /** What the IdP wrote on stderr (Python tracebacks), for failure messages. */
  stderr(): string;
  close(): Promise<void>;
}

export async function startPysaml2Idp(options: {
  spMetadataUrl: string;
  users: Pysaml2User[];
}): Promise<Pysaml2Idp> {
  const dir = mkdtempSync(join(tmpdir(), 'jitgate-pysaml2-'));
  const key = testSigningKey('pysaml2 test IdP');
  const paths = {
    key: join(dir, 'idp.key'),
    cert: join(dir, 'idp.crt'),
    users: join(dir, 'users.json'),
  };
  writeFileSync(paths.key, key.privateKeyPem, { mode: 0o600 });
  writeFileSync(paths.cert, key.certificatePem);
  writeFileSync(paths.users, JSON.stringify(options.users));
  const child: ChildProcess = spawn(
    PYTHON,
    [
      SCRIPT,
      '--key',
      paths.key,
      '--cert',
      paths.cert,
      '--users',
      paths.users,
      '--sp-metadata',
      options.spMetadataUrl,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /^listening (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`pysaml2 IdP exited before listening:\n${stderr}`)));
  }).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return { url, metadataUrl: `${url}/metadata`, stderr: () => stderr, close };
}
