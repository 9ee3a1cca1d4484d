/**
 * The SSH revocation list jitgate publishes at GET /ssh/revoked-keys for its targets' sshd
 * (`RevokedKeys`, kept current on each target by `jitgate target-agent`): every certificate still
 * inside its validity whose grant is over (revoked, released, expired) or whose relay session has
 * ended. It is made from the store (so every replica publishes the same list), reading grants
 * through the ends the store has not taken yet, and rebuilt at most every half second or at once
 * when a grant ends here.
 */
import { createHash } from 'node:crypto';
import { isLive } from '../access/grant-book.js';
import type { GrantRecord, GrantRepository } from '../store/types.js';
import type { SshCertificateRecord, SshCertificateRepository } from './cert-record.js';
import { writeRevocationList } from './ssh-krl.js';

const REBUILD_AFTER_MS = 500;

export interface PublishedList {
  bytes: Buffer;
  /** Changes exactly when the refused serials (or the CA keys) change. */
  etag: string;
  serials: bigint[];
}

export interface RevocationListDeps {
  certificates: Pick<SshCertificateRepository, 'listUnexpired'>;
  /** Read through the ends still waiting for the store (pending-revocations.ts). */
  grants: Pick<GrantRepository, 'get'>;
  /** The trusted CA keys' blobs: serials are listed under each. */
  caKeys: () => Buffer[];
  now: () => number;
}

/** Pure: whether sshd must refuse this certificate now. */
export function isRefused(
  certificate: SshCertificateRecord,
  grant: GrantRecord | undefined,
  now: number,
): boolean {
  if (certificate.validBefore <= now) return false; // sshd refuses it by itself
  if (certificate.endedAt !== null) return true;
  return !grant || grant.revokedAt !== null || grant.endsAt <= now || !isLive(grant, now);
}

export class RevocationList {
  private built: { at: number; list: PublishedList } | undefined;
  private building: { generation: number; list: Promise<PublishedList> } | undefined;
  private generation = 0;

  constructor(private readonly deps: RevocationListDeps) {}

  /** Something ended here: the next read rebuilds (a build under way is not reused). */
  invalidate(): void {
    this.generation++;
    this.built = undefined;
  }

  current(): Promise<PublishedList> {
    const now = this.deps.now();
    if (this.built && now - this.built.at < REBUILD_AFTER_MS)
      return Promise.resolve(this.built.list);
    if (this.building?.generation !== this.generation) {
      const generation = this.generation;
      const list = this.build(now).then((built) => {
        if (generation === this.generation) this.built = { at: now, list: built };
        return built;
      });
      this.building = { generation, list };
      void list
        .finally(() => {
          if (this.building?.list === list) this.building = undefined;
        })
        .catch(() => undefined);
    }
    return this.building.list;
  }

  private async build(now: number): Promise<PublishedList> {
    const grants = new Map<string, GrantRecord | undefined>();
    const serials: bigint[] = [];
    for (const certificate of await this.deps.certificates.listUnexpired(now)) {
      if (!grants.has(certificate.grantId))
        grants.set(certificate.grantId, await this.deps.grants.get(certificate.grantId));
      if (isRefused(certificate, grants.get(certificate.grantId), now))
        serials.push(BigInt(certificate.serial));
    }
    serials.sort((a, b) => (a < b ? -1 : 1));
    const caKeys = this.deps.caKeys();
    const etag = `"${createHash('sha256')
      .update(caKeys.map((k) => k.toString('base64')).join(','))
      .update(serials.join(','))
      .digest('base64url')
      .slice(0, 27)}"`;
    const bytes = writeRevocationList({
      caKeys,
      serials,
      version: BigInt(now),
      generatedAt: now,
    });
    return { bytes, etag, serials };
  }
}
