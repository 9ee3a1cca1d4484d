/**
 * The SSH side of the terminal rows: the same real sshd the tests use (proxy/demo/ssh-target.ts),
 * trusting jitgate's user CA (fetched from /ssh/ca.pub) and a CA of the bench's own, so that the
 * same OpenSSH client jitgate runs (launchSsh) can also log in directly: the "direct" baseline.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { startSshTarget, type SshTarget } from '../proxy/demo/ssh-target.js';
import type { SshResourceConfig } from '../proxy/config/schema.js';
import { mintUserCertificate, caPublicKeyLine } from '../proxy/terminal/ssh-cert.js';
import { launchSsh, type SshProcess } from '../proxy/terminal/ssh-client.js';
import { newEd25519 } from '../proxy/terminal/ssh-keys.js';
import { rawRequest } from '../test/support/http-client.js';
import { SSH_LOGIN, SSH_RESOURCE, type SshTargetInfo } from './jitgate-config.js';

export interface BenchSshTarget {
  info: SshTargetInfo;
  /** Adds jitgate's CA keys to the ones sshd trusts. */
  trustJitgate(portal: string): Promise<void>;
  /** An ssh client in a pty logged in straight to sshd, as jitgate would start it. */
  direct(cols: number, rows: number): Promise<SshProcess>;
  close(): Promise<void>;
}

export async function startBenchSshTarget(): Promise<BenchSshTarget | undefined> {
  const account = userInfo().username;
  const target: SshTarget | undefined = await startSshTarget({
    caKeys: [],
    principals: { [account]: [SSH_LOGIN] },
  });
  if (!target) return undefined;
  const ca = generateKeyPairSync('ed25519').privateKey;
  const benchCa = caPublicKeyLine(ca, 'jitgate-bench');
  // The bench's own CA and every jitgate's (the idle-terminal row runs a jitgate of its own).
  const trusted = new Set([benchCa]);
  target.trust([...trusted]);
  const info: SshTargetInfo = {
    host: target.host,
    port: target.port,
    hostKey: target.hostKey,
    account,
  };
  const resource = {
    id: SSH_RESOURCE,
    kind: 'ssh',
    host: info.host,
    port: info.port,
    hostKey: info.hostKey,
  } as SshResourceConfig;
  // Session folders (the key agent's socket and known_hosts) for the direct sessions.
  const runDir = mkdtempSync(join(tmpdir(), 'jitgate-bench-ssh-'));
  return {
    info,
    async trustJitgate(portal) {
      const reply = await rawRequest(`${portal}/ssh/ca.pub`);
      if (reply.status !== 200) throw new Error(`/ssh/ca.pub answered ${reply.status}`);
      for (const line of reply.body.split('\n')) if (line) trusted.add(line);
      target.trust([...trusted]);
    },
    async direct(cols, rows) {
      const key = newEd25519();
      const now = Date.now();
      const certificate = mintUserCertificate(ca, {
        publicKey: key.publicKey,
        principals: [SSH_LOGIN],
        keyId: 'bench/direct',
        validAfter: now - 60_000,
        validBefore: now + 3_600_000,
      });
      return launchSsh({
        resource,
        account,
        privateKey: key.privateKey,
        certificateLine: certificate.line,
        runDir,
        cols,
        rows,
        sshCommand: 'ssh',
      });
    },
    async close() {
      await target.close();
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
