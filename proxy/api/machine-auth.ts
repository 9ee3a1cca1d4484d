/**
 * A machine's bearer (an IdP access token, see identity/machine-tokens.ts) as an API caller.
 * The machine becomes a user row (kind `machine`), because requests and approvals name their
 * requester by user id; each new token is one `auth.login` event, as a person's login is.
 */
import type { AuditLog } from '../audit/audit-log.js';
import type { MachineIdentity, MachineVerifier } from '../identity/machine-tokens.js';
import type { SessionUser } from '../identity/session-user.js';
import { JitgateError } from '../shared/errors.js';
import type { UserRecord, UserRepository } from '../store/types.js';
import type { Caller } from './authenticate.js';

export interface MachineAuthDeps {
  verifier: MachineVerifier;
  users: Pick<UserRepository, 'upsert'>;
  audit: Pick<AuditLog, 'record'>;
  now: () => number;
}

/** Tokens already seen (one login event each); bounded, since tokens expire within minutes. */
const MAX_SEEN = 10_000;

export const machineCredential = (identity: MachineIdentity) =>
  `machine:${identity.id}:${identity.tokenId ?? identity.issuedAt}`;

export interface MachineAuth {
  looksLikeJwt(bearer: string): boolean;
  /** The caller a machine token names, or undefined when it is not a valid machine token. */
  callerFor(bearer: string): Promise<Caller | undefined>;
}

export function createMachineAuth(deps: MachineAuthDeps): MachineAuth {
  const seen = new Map<string, number>();
  /** What was last written per machine, so an unchanged machine is not written per call. */
  const written = new Map<string, string>();

  const remember = async (identity: MachineIdentity, user: UserRecord) => {
    const now = deps.now();
    const shape = JSON.stringify([user.username, user.groups]);
    if (written.get(user.id) !== shape) {
      await deps.users.upsert(user);
      written.set(user.id, shape);
    }
    const credential = machineCredential(identity);
    if (seen.has(credential)) return;
    if (seen.size >= MAX_SEEN) {
      for (const [key, expiresAt] of seen) if (expiresAt <= now) seen.delete(key);
      if (seen.size >= MAX_SEEN) seen.clear();
    }
    seen.set(credential, identity.expiresAt);
    await deps.audit.record({
      code: 'auth.login',
      actor: user.id,
      target: user.idp,
      data: { username: user.username, kind: 'machine', groups: user.groups, via: 'token' },
    });
  };

  return {
    looksLikeJwt: (bearer) => deps.verifier.looksLikeJwt(bearer),
    async callerFor(bearer) {
      let identity: MachineIdentity | undefined;
      try {
        identity = await deps.verifier.verify(bearer);
      } catch (error) {
        throw new JitgateError(502, 'idp_unavailable', 'the identity provider is unreachable', {
          expose: true,
          cause: error,
        });
      }
      if (!identity) return undefined;
      const now = deps.now();
      if (identity.expiresAt <= now) return undefined;
      const record: UserRecord = {
        id: identity.id,
        idp: identity.idp,
        subject: identity.clientId,
        username: identity.clientId,
        email: null,
        name: null,
        groups: identity.groups,
        kind: 'machine',
        claims: { client_id: identity.clientId },
        lastLoginAt: now,
      };
      await remember(identity, record);
      const { lastLoginAt: _l, subject: _s, ...rest } = record;
      const user: SessionUser = { ...rest, loginAt: identity.issuedAt };
      const expiresAt = identity.expiresAt;
      return {
        user,
        how: 'machine',
        token: null,
        credential: machineCredential(identity),
        stillValid: async () => deps.now() < expiresAt,
      };
    },
  };
}
