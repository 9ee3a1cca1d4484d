/**
 * jitgate's SSH user certificate authority. Its ed25519 keys live in the store's settings (so
 * every replica signs with the same CA), one per generation: `ssh_user_ca_g1`, `…_g2`, created on
 * first use and never replaced. Config picks the generation that signs and the generations that
 * are served as trusted too, which is how a roll-over keeps two keys trusted at once
 * (docs/terminals.md). The public keys are served at GET /ssh/ca.pub for TrustedUserCAKeys.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import type { SettingRepository } from '../store/types.js';
import { extensionsFor } from './cert-purpose.js';
import type { CertificatePurpose } from './cert-record.js';
import { caPublicKeyLine, mintUserCertificate, type UserCertificate } from './ssh-cert.js';
import { ed25519Blob } from './ssh-keys.js';

export interface CaGenerations {
  /** The generation whose key signs new certificates. */
  signingGeneration: number;
  /** Further generations whose public keys are served as trusted (roll-over). */
  alsoTrust: readonly number[];
}

export interface MintRequest {
  publicKey: KeyObject | string;
  /** The login on the target; the certificate's only principal. */
  principal: string;
  /** "<user>/<grant>": sshd logs it with every login. */
  keyId: string;
  /** Epoch ms. The certificate is valid from a minute before (clock skew) until validBefore. */
  now: number;
  /** Epoch ms, never after the grant ends. */
  validBefore: number;
  /** The only addresses (CIDRs) it may log in from: sshd's `source-address` critical option. */
  sourceAddresses?: readonly string[];
  /** Written into the certificate (cert-purpose.ts): a target's guard leaves relay logins to jitgate. */
  purpose: CertificatePurpose;
}

/** Certificates start this long before now, for targets whose clock runs a little behind. */
export const CLOCK_SKEW_MS = 60_000;

const settingName = (generation: number) => `ssh_user_ca_g${generation}`;

async function loadOrCreate(settings: SettingRepository, generation: number): Promise<KeyObject> {
  const name = settingName(generation);
  let pem = await settings.get(name);
  if (!pem) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const fresh = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Another replica may have created it meanwhile: whatever is stored wins.
    pem = await settings.putIfAbsent(name, fresh);
  }
  return createPrivateKey(pem);
}

export class SshCertificateAuthority {
  private constructor(
    private readonly signing: { generation: number; key: KeyObject },
    private readonly trusted: { generation: number; key: KeyObject }[],
  ) {}

  static async open(
    settings: SettingRepository,
    generations: CaGenerations,
  ): Promise<SshCertificateAuthority> {
    const wanted = [generations.signingGeneration, ...generations.alsoTrust];
    const unique = [...new Set(wanted)];
    const keys = await Promise.all(
      unique.map(async (generation) => ({
        generation,
        key: await loadOrCreate(settings, generation),
      })),
    );
    const signing = keys[0];
    if (!signing) throw new Error('no signing generation');
    return new SshCertificateAuthority(signing, keys);
  }

  /** The public key blobs of every trusted generation (what a revocation list is scoped to). */
  publicKeyBlobs(): Buffer[] {
    return this.trusted.map(({ key }) => ed25519Blob(createPublicKey(key)));
  }

  /** TrustedUserCAKeys lines: the signing key first, then the others trusted for a roll-over. */
  publicKeyLines(): string[] {
    return this.trusted.map(({ generation, key }) =>
      caPublicKeyLine(key, `jitgate-user-ca-g${generation}`),
    );
  }

  mint(request: MintRequest): UserCertificate {
    if (request.validBefore <= request.now)
      throw new Error('a certificate must end after it is minted');
    return mintUserCertificate(this.signing.key, {
      publicKey: request.publicKey,
      principals: [request.principal],
      keyId: request.keyId,
      validAfter: request.now - CLOCK_SKEW_MS,
      validBefore: request.validBefore,
      extensions: extensionsFor(request.purpose),
      ...(request.sourceAddresses?.length
        ? { criticalOptions: { 'source-address': request.sourceAddresses.join(',') } }
        : {}),
    });
  }
}

export { mintUserCertificate, type UserCertificate } from './ssh-cert.js';
