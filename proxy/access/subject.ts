/** Subjects for policy decisions, from stored users. */
import type { UserRecord } from '../store/types.js';
import type { Subject } from './types.js';

export function subjectFromUser(user: UserRecord): Subject {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    groups: user.groups,
    kind: user.kind,
    claims: user.claims ?? {},
  };
}
