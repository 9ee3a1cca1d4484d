/**
 * Credentials minted per grant, and their end. A postgres grant gets its role when it starts
 * and loses it when it ends (expiry, release, revoke); the grantee asks for the connection
 * details with `GET /api/v1/grants/:id/credentials`. A kubernetes grant gets a bearer signed for
 * its cluster. Passwords live in memory only: after a restart a standing role gets a new one.
 */
import { isLive } from '../access/grant-book.js';
import type { GrantEnd } from '../access/events.js';
import type { KubernetesResourceConfig, PostgresResourceConfig } from '../config/schema.js';
import type { ResourceConfig } from '../config/schema.js';
import type { SessionUser } from '../identity/session-user.js';
import { JitgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { GrantRecord } from '../store/types.js';
import type { AdminPools } from './admin-pools.js';
import type { KubeTokens } from './kube-token.js';
import type { MintedRole, PostgresRoles } from './postgres-roles.js';
import { connectionUrl } from './postgres-sql.js';
import type { CredentialRoleRepository } from './role-record.js';

export type CredentialJson =
  | {
      kind: 'postgres';
      grant: string;
      expiresAt: string;
      user: string;
      password: string;
      host: string;
      port: number;
      database: string;
      url: string;
    }
  | {
      kind: 'kubernetes';
      grant: string;
      expiresAt: string;
      token: string;
      server: string | null;
      audience: string;
    };

export interface CredentialServiceDeps {
  resources: readonly ResourceConfig[];
  roles: PostgresRoles;
  ledger: CredentialRoleRepository;
  pools: AdminPools;
  kube: KubeTokens;
  log: Logger;
  now: () => number;
}

export class CredentialService {
  /** grant id → the role being made or made, with its password (memory only). */
  private readonly minted = new Map<string, Promise<MintedRole>>();

  constructor(private readonly deps: CredentialServiceDeps) {}

  postgres(id: string): PostgresResourceConfig | undefined {
    const resource = this.deps.resources.find((r) => r.id === id);
    return resource?.kind === 'postgres' ? resource : undefined;
  }

  private kubernetes(id: string): KubernetesResourceConfig | undefined {
    const resource = this.deps.resources.find((r) => r.id === id);
    return resource?.kind === 'kubernetes' ? resource : undefined;
  }

  /** A grant started: make its role now, so the first connection does not wait for it. */
  grantStarted(grant: GrantRecord): void {
    if (!this.postgres(grant.resourceId) || !isLive(grant, this.deps.now())) return;
    this.role(grant).catch((error: unknown) =>
      this.deps.log.error('database role not made', { grant: grant.id, error }),
    );
  }

  /** A grant ended: its role goes, after a mint still under way has finished. */
  async grantEnded(grant: GrantRecord, end: GrantEnd): Promise<void> {
    const resource = this.postgres(grant.resourceId);
    if (!resource) return;
    await this.minted.get(grant.id)?.catch(() => undefined);
    this.minted.delete(grant.id);
    const record = await this.deps.ledger.forGrant(grant.id);
    if (record) await this.deps.roles.drop(record, resource, end);
  }

  /** What the grantee connects with; only ever handed to the grant's own user. */
  async credentialsFor(grant: GrantRecord, user: SessionUser): Promise<CredentialJson> {
    const now = this.deps.now();
    if (grant.userId !== user.id)
      throw new JitgateError(404, 'unknown_grant', 'no such grant of yours');
    if (!isLive(grant, now))
      throw new JitgateError(409, 'grant_not_live', 'this grant is not active now');
    const expiresAt = new Date(grant.endsAt).toISOString();
    const kube = this.kubernetes(grant.resourceId);
    if (kube) {
      const token = await this.deps.kube.issue(user, grant, kube);
      const server = kube.server ?? null;
      return {
        kind: 'kubernetes',
        grant: grant.id,
        expiresAt,
        token,
        server,
        audience: kube.audience,
      };
    }
    const resource = this.postgres(grant.resourceId);
    if (!resource)
      throw new JitgateError(400, 'no_credentials', 'this resource hands out no credentials');
    const { role, password } = await this.role(grant);
    const { host, port } = this.deps.pools.endpoint(resource);
    const database = resource.database;
    return {
      kind: 'postgres',
      grant: grant.id,
      expiresAt,
      user: role,
      password,
      host,
      port,
      database,
      url: connectionUrl({ user: role, password, host, port, database }),
    };
  }

  /** The grant's role: the one being made, a standing one (new password), or a new one. */
  private role(grant: GrantRecord): Promise<MintedRole> {
    let pending = this.minted.get(grant.id);
    if (!pending) {
      pending = this.makeOrRecover(grant);
      // A failed mint is forgotten so the next ask tries again.
      pending.catch(() => this.minted.delete(grant.id));
      this.minted.set(grant.id, pending);
    }
    return pending;
  }

  private async makeOrRecover(grant: GrantRecord): Promise<MintedRole> {
    const resource = this.postgres(grant.resourceId);
    if (!resource) throw new JitgateError(400, 'no_credentials', 'not a postgres resource');
    const standing = await this.deps.ledger.forGrant(grant.id);
    if (standing) {
      const password = await this.deps.roles.rotate(standing, resource);
      return { role: standing.role, password };
    }
    return this.deps.roles.mint(grant, resource);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.minted.values()]);
    await this.deps.pools.close();
  }
}
