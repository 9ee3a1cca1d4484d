/** Group membership, the one way: a person is in a role when they are in any of its groups. */

/** Anyone whose groups count: a subject, a session's user, a token's identity. */
export interface Member {
  readonly groups: readonly string[];
}

export const inAnyGroup = (who: Member, groups: readonly string[]): boolean =>
  groups.some((group) => who.groups.includes(group));
