/** Who may read the audit log: members of any configured auditor group. */
export function isAuditor(
  userGroups: readonly string[],
  auditorGroups: readonly string[],
): boolean {
  return userGroups.some((group) => auditorGroups.includes(group));
}
