/**
 * Temporary PostgreSQL roles, one per grant: made with a random password, `VALID UNTIL` the
 * grant's end and exactly the privileges the resource names; dropped (sessions first) when the
 * grant ends. The ledger row is written before the role exists and marked after it is gone, so
 * a crash at any point leaves at most a role the reaper knows about. Passwords are returned to
 * the caller only: never logged, audited or stored.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { PostgresResourceConfig } from '../config/schema.js';
import { JitgateError } from '../shared/errors.js';
import type { GrantRecord } from '../store/types.js';
import type { AdminPools } from './admin-pools.js';
import { isSqlState, sqlErrorText } from './pg-client.js';
import { dropRoleStatements, objectOwnerCheck } from './postgres-drop-sql.js';
import {
  createRoleStatements,
  newPassword,
  newRoleName,
  passwordStatement,
  PUBLIC_REACH_SQL,
} from './postgres-sql.js';
import type { CredentialRoleRecord, CredentialRoleRepository } from './role-record.js';

export interface MintedRole {
  role: string;
  password: string;
}

export type DropReason = 'expired' | 'revoked' | 'released' | 'reaped';

export interface PostgresRolesDeps {
  ledger: CredentialRoleRepository;
  pools: AdminPools;
  audit: Pick<AuditLog, 'record'>;
  now: () => number;
}

/**
 * How long a claim to drop a role holds: far longer than a DROP takes. A claimant that crashed
 * mid-drop lets go when it lapses, and the next reaper pass (every minute, any replica) drops it.
 */
const DROP_CLAIM_MS = 60_000;

/** SQLSTATE 42704: undefined_object — the role is already gone. */
const UNDEFINED_OBJECT = '42704';

/** The client learns what failed and where to look; the SQL error goes to the log only. */
const failed = (what: string, error: unknown) =>
  new JitgateError(
    503,
    'credential_failed',
    `${what} failed in PostgreSQL; the jitgate server log has the cause (ask its operator)`,
    { cause: new Error(`${what} failed (${sqlErrorText(error)})`, { cause: error }), expose: true },
  );

export class PostgresRoles {
  /**
   * Drops under way, by role: the grant's end and the reaper may reach the same role at once (a
   * grant that ended while jitgate was down, at start-up); the second waits for the first
   * instead of dropping again and recording a second `credential.dropped`. Across replicas the
   * ledger's drop claim does the same.
   */
  private readonly dropping = new Map<string, Promise<void>>();
  /** Names this process in the ledger's drop claims. */
  private readonly claimant = randomUUID();

  constructor(private readonly deps: PostgresRolesDeps) {}

  async mint(grant: GrantRecord, resource: PostgresResourceConfig): Promise<MintedRole> {
    const admin = this.deps.pools.admin(resource);
    if (!resource.allowPublicPrivileges) await this.requireIsolation(resource);
    // The drop checks the owner again before handing anything over; checking here too stops a
    // migration from running at all when its tables would have nowhere safe to go.
    if (resource.objectOwner !== undefined)
      await admin.query(objectOwnerCheck(resource.objectOwner)).catch((error: unknown) => {
        throw failed('checking the objectOwner role', error);
      });
    const record: CredentialRoleRecord = {
      role: newRoleName(),
      resourceId: resource.id,
      grantId: grant.id,
      userId: grant.userId,
      createdAt: this.deps.now(),
      validUntil: grant.endsAt,
      droppedAt: null,
    };
    const password = newPassword();
    await this.deps.ledger.insert(record);
    try {
      // One simple query runs as one implicit transaction: a role half-granted (a failing
      // statement template) never stands.
      const statements = createRoleStatements({
        role: record.role,
        password,
        validUntil: grant.endsAt,
        connectionLimit: resource.connectionLimit,
        database: resource.database,
        grantRoles: resource.grantRoles,
        statements: resource.statements,
      });
      await admin.query(statements.join(';\n'));
    } catch (error) {
      await this.deps.ledger.markDropped(record.role, this.deps.now());
      throw failed('creating the database role', error);
    }
    await this.deps.audit.record({
      code: 'credential.minted',
      actor: 'system',
      target: resource.id,
      data: {
        kind: 'postgres-role',
        grant: grant.id,
        user: grant.userId,
        role: record.role,
        validUntil: new Date(grant.endsAt).toISOString(),
      },
    });
    return { role: record.role, password };
  }

  /**
   * Refuses to mint while PUBLIC grants what the role must not have (postgres-sql.ts): the role
   * would get it too, and no statement of ours can take it away from just this role.
   */
  private async requireIsolation(resource: PostgresResourceConfig): Promise<void> {
    let rows;
    try {
      rows = await this.deps.pools.admin(resource).query(PUBLIC_REACH_SQL);
    } catch (error) {
      throw failed('checking what PUBLIC may do', error);
    }
    const reach = rows.map((row) => String(row.reach));
    if (reach.length === 0) return;
    throw new JitgateError(
      503,
      'database_not_isolated',
      `${resource.id}: every role there may ${reach.join(', ')} through PUBLIC, and a temporary ` +
        'role would too; revoke that from PUBLIC (docs/credentials.md) or set allowPublicPrivileges',
    );
  }

  /** A fresh password for a standing role (jitgate restarted and no longer holds the old one). */
  async rotate(record: CredentialRoleRecord, resource: PostgresResourceConfig): Promise<string> {
    const password = newPassword();
    try {
      await this.deps.pools.admin(resource).query(passwordStatement(record.role, password));
    } catch (error) {
      throw failed('setting the role password', error);
    }
    return password;
  }

  /** Ends the role's sessions and drops it; a role already gone is simply marked dropped. */
  drop(
    record: CredentialRoleRecord,
    resource: PostgresResourceConfig | undefined,
    reason: DropReason,
  ): Promise<void> {
    const under = this.dropping.get(record.role);
    if (under) return under;
    const done = this.dropOnce(record, resource, reason).finally(() =>
      this.dropping.delete(record.role),
    );
    this.dropping.set(record.role, done);
    return done;
  }

  private async dropOnce(
    record: CredentialRoleRecord,
    resource: PostgresResourceConfig | undefined,
    reason: DropReason,
  ): Promise<void> {
    const now = this.deps.now();
    const claimed = await this.deps.ledger.claimDrop(
      record.role,
      this.claimant,
      now,
      now + DROP_CLAIM_MS,
    );
    // Another replica is dropping it (it records the event, or lets go for the next reaper pass),
    // or it is already dropped: nothing for this caller to do or to record.
    if (!claimed) return;
    let existed: boolean;
    try {
      existed = resource ? await this.dropRole(record.role, resource) : true;
    } catch (error) {
      await this.deps.ledger.releaseDrop(record.role, this.claimant).catch(() => undefined);
      throw error;
    }
    // A role whose resource left the config cannot be reached any more; its VALID UNTIL holds.
    await this.deps.ledger.markDropped(record.role, this.deps.now());
    await this.deps.audit.record({
      code: 'credential.dropped',
      actor: 'system',
      target: record.resourceId,
      data: {
        kind: 'postgres-role',
        grant: record.grantId,
        user: record.userId,
        role: record.role,
        reason,
        existed: resource ? existed : null,
        // Where what the role made went: null when it was dropped with the role.
        objectOwner: resource?.objectOwner ?? null,
      },
    });
  }

  /** Ends the role's sessions and drops it; false when it was already gone. */
  private async dropRole(role: string, resource: PostgresResourceConfig): Promise<boolean> {
    const admin = this.deps.pools.admin(resource);
    const [first, ...rest] = dropRoleStatements(role, resource.objectOwner);
    try {
      if (first) await admin.query(first.sql, first.params);
    } catch (error) {
      if (isSqlState(error, UNDEFINED_OBJECT)) return false;
      throw failed('dropping the role', error);
    }
    // Only the first step may find the role gone (we hold the drop claim, so nobody else drops
    // it meanwhile); a later "does not exist" names something else and must not pass as a drop.
    for (const step of rest) {
      try {
        await admin.query(step.sql, step.params);
      } catch (error) {
        throw failed('dropping the role', error);
      }
    }
    return true;
  }
}
