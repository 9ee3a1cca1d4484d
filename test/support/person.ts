/** A person's stored record as most tests need one. */
import type { UserRecord } from '../../proxy/store/types.js';

/**
 * The record of `id` ("idp:subject"; the subject is the username too) as of `lastLoginAt`, with
 * no email, name or groups unless `overrides` says so.
 */
export function personRecord(
  id: string,
  lastLoginAt: number,
  overrides: Partial<UserRecord> = {},
): UserRecord {
  const [idp = '', subject = ''] = id.split(':');
  return {
    id,
    idp,
    subject,
    username: subject,
    email: null,
    name: null,
    groups: [],
    kind: 'person',
    lastLoginAt,
    ...overrides,
  };
}
