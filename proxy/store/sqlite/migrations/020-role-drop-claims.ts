/**
 * Who is dropping a temporary database role, until when (CredentialRoleRepository.claimDrop):
 * replicas that reach the same role at once drop it once and record one `credential.dropped`.
 */
export const ROLE_DROP_CLAIMS = `
  ALTER TABLE credential_roles ADD COLUMN drop_claimant TEXT;
  ALTER TABLE credential_roles ADD COLUMN drop_claimed_until INTEGER;
`;
