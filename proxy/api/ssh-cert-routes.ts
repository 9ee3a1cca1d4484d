/**
 * SSH certificates for automation (`jitgate ssh-cert`, `jitgate exec` on ssh resources): the
 * grantee sends a public key and a login the resource allows, and gets a user certificate from
 * jitgate's CA (terminal/ssh-ca.ts) whose only principal is that login and which ends when the
 * grant ends. Used without jitgate's relay, so only for resources with `directAccess` (their
 * targets run the jitgate guard): the certificate is recorded before it is handed out, goes on the
 * revocation list the moment its grant ends, and the guard ends its sessions. The private key
 * never leaves the client.
 */
import express from 'express';
import { z } from 'zod';
import { isLive } from '../access/grant-book.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ResourceConfig } from '../config/schema.js';
import { JitgateError, badRequest, forbidden, notFound } from '../shared/errors.js';
import type { GrantRepository, Store } from '../store/types.js';
import { certificateKeyId, mintedCertificateData } from '../terminal/cert-audit.js';
import type { SshCertificateAuthority } from '../terminal/ssh-ca.js';
import { requireCaller } from './authenticate.js';
import { parseBody, parseId } from './body.js';

export interface SshCertRoutesDeps {
  ca: () => Promise<Pick<SshCertificateAuthority, 'mint'>>;
  grants: Pick<GrantRepository, 'get'>;
  resources: readonly ResourceConfig[];
  store: Pick<Store, 'atomic' | 'sshCertificates'>;
  audit: Pick<AuditLog, 'append'>;
  now: () => number;
}

const certBody = z
  .object({
    publicKey: z
      .string()
      .max(2000)
      .regex(/^ssh-ed25519 [A-Za-z0-9+/]+={0,2}( [^\n]*)?$/, {
        message: 'must be an OpenSSH ed25519 public key line',
      }),
    login: z.string().min(1).max(32),
  })
  .strict();

export function sshCertRoutes(deps: SshCertRoutesDeps): express.Router {
  const router = express.Router();

  router.post('/grants/:id/ssh-cert', async (req, res) => {
    const { user } = requireCaller(req);
    const id = parseId('grt', req.params.id, 'invalid_grant_id');
    const body = parseBody(certBody, req.body);
    const grant = await deps.grants.get(id);
    if (!grant || grant.userId !== user.id)
      throw notFound('unknown_grant', 'no such grant of yours');
    const now = deps.now();
    if (!isLive(grant, now))
      throw new JitgateError(409, 'grant_not_live', 'this grant is not active now');
    const resource = deps.resources.find((r) => r.id === grant.resourceId);
    if (resource?.kind !== 'ssh')
      throw badRequest('not_ssh', 'this grant is not for an SSH resource');
    if (!resource.logins.includes(body.login))
      throw badRequest('unknown_login', `login must be one of: ${resource.logins.join(', ')}`);
    if (!resource.directAccess)
      throw forbidden(
        'direct_access_off',
        `${resource.id} is reached only through jitgate's recorded relay (jitgate ssh ${resource.id})`,
      );
    let certificate;
    try {
      certificate = (await deps.ca()).mint({
        publicKey: body.publicKey,
        principal: body.login,
        keyId: certificateKeyId(user.id, grant.id),
        now,
        validBefore: grant.endsAt,
        purpose: 'direct',
      });
    } catch (error) {
      throw new JitgateError(400, 'invalid_public_key', 'the public key could not be certified', {
        cause: error,
      });
    }
    // Recorded before it is handed out: a certificate the revocation list cannot name never leaves.
    await deps.store.atomic(async () => {
      await deps.store.sshCertificates.insert({
        serial: certificate.serial.toString(),
        grantId: grant.id,
        sessionId: null,
        keyId: certificate.keyId,
        purpose: 'direct',
        createdAt: now,
        validBefore: certificate.validBefore,
        endedAt: null,
      });
      await deps.audit.append({
        code: 'credential.minted',
        actor: user.id,
        target: resource.id,
        data: mintedCertificateData(certificate, { grant: grant.id, login: body.login }),
      });
    });
    res
      .setHeader('cache-control', 'no-store')
      .status(201)
      .json({
        certificate: certificate.line,
        login: body.login,
        principals: certificate.principals,
        validAfter: new Date(certificate.validAfter).toISOString(),
        validBefore: new Date(certificate.validBefore).toISOString(),
      });
  });

  return router;
}
