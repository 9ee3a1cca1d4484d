/**
 * A throwaway ed25519 key pair for SSH certificates, written in OpenSSH format by ssh-keygen
 * (the OpenSSH client is what will use it), in a folder only this user can read.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JitgateClient } from '../sdk/jitgate-client.js';
import { CliError, EXIT } from './exit-codes.js';

export interface SshFiles {
  key: string;
  certificate: string;
  validBefore: string;
}

/** Makes DIR/id_ed25519 (+ .pub) and DIR/id_ed25519-cert.pub signed for `login` under the grant. */
export async function writeSshCertificate(
  client: JitgateClient,
  grantId: string,
  login: string,
  dir: string,
): Promise<SshFiles> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = join(dir, 'id_ed25519');
  try {
    await promisify(execFile)(
      'ssh-keygen',
      ['-q', '-t', 'ed25519', '-N', '', '-C', `jitgate ${grantId}`, '-f', key],
      {
        timeout: 30_000,
      },
    );
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    throw new CliError(
      missing
        ? 'ssh-keygen not found (install the OpenSSH client)'
        : `ssh-keygen failed for ${key} (does it exist already?)`,
      EXIT.usage,
    );
  }
  chmodSync(key, 0o600);
  const publicKey = readFileSync(`${key}.pub`, 'utf8').trim();
  const signed = await client.sshCertificate(grantId, { publicKey, login });
  const certificate = `${key}-cert.pub`;
  writeFileSync(certificate, signed.certificate + '\n', { mode: 0o644 });
  return { key, certificate, validBefore: signed.validBefore };
}
