/**
 * The ledger of database roles jitgate made: written before a role is created and marked when it
 * is dropped, so after a crash the reaper knows every role that may still stand. It holds names
 * and times only; never a password.
 */
export interface CredentialRoleRecord {
  /** The PostgreSQL role name (jg_…). */
  role: string;
  resourceId: string;
  grantId: string;
  userId: string;
  createdAt: number;
  /** The role's VALID UNTIL (the grant's end), epoch ms. */
  validUntil: number;
  droppedAt: number | null;
}

export interface CredentialRoleRepository {
  insert(record: CredentialRoleRecord): Promise<void>;
  /** Roles not yet dropped, oldest first. */
  listStanding(): Promise<CredentialRoleRecord[]>;
  /** The standing role of a grant, if any. */
  forGrant(grantId: string): Promise<CredentialRoleRecord | undefined>;
  markDropped(role: string, at: number): Promise<void>;
  /**
   * Takes the right to drop a standing role until `until`: true when no one else holds an
   * unexpired claim on it (the claimant's own counts as free). Two replicas reaching the same
   * role (a grant's end here, a start-up reaper there) then drop it once, with one event.
   */
  claimDrop(role: string, claimant: string, now: number, until: number): Promise<boolean>;
  /** Gives a claim back (the drop failed), so the next reaper pass anywhere may try at once. */
  releaseDrop(role: string, claimant: string): Promise<void>;
}
