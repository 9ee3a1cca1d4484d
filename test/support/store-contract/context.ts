/**
 * What every part of the store contract shares: the store under test (and, where the backend
 * has one, a second Store on the same database: another replica), ids unique to the run, and
 * builders for the records most tests hang their data on.
 */
import { randomBytes } from 'node:crypto';
import type { GrantRecord, Store, UserRecord } from '../../../proxy/store/types.js';

export const T0 = 1_700_000_000_000;
export const MIN = 60_000;

export interface ContractContext {
  store(): Store;
  /** Whether the backend runs a second Store on the same database (another replica). */
  hasReplica: boolean;
  /** That second Store, or undefined when the backend has none. */
  replica(): Store | undefined;
  /** An id unique to this run of the suite. */
  unique(prefix: string): string;
  newUser(overrides?: Partial<UserRecord>): UserRecord;
  storedUser(overrides?: Partial<UserRecord>): Promise<UserRecord>;
  newGrant(userId: string, overrides?: Partial<GrantRecord>): GrantRecord;
  storedGrant(overrides?: Partial<GrantRecord>): Promise<GrantRecord>;
}

export function contractContext(stores: {
  hasReplica: boolean;
  store(): Store;
  replica(): Store | undefined;
}): ContractContext {
  const run = randomBytes(6).toString('hex');
  let serial = 0;
  const unique = (prefix: string) => `${prefix}-${run}-${++serial}`;
  const newUser = (overrides: Partial<UserRecord> = {}): UserRecord => {
    const subject = unique('sub');
    return {
      id: `corp:${subject}`,
      idp: 'corp',
      subject,
      username: unique('user'),
      email: `${unique('mail')}@example.com`,
      name: 'Alice Liddell',
      groups: ['staff', 'payroll-readers'],
      kind: 'person',
      lastLoginAt: T0,
      ...overrides,
    };
  };
  const storedUser = async (overrides: Partial<UserRecord> = {}) => {
    const user = newUser(overrides);
    await stores.store().users.upsert(user);
    return user;
  };
  const newGrant = (userId: string, overrides: Partial<GrantRecord> = {}): GrantRecord => ({
    id: unique('grt'),
    userId,
    resourceId: 'payroll',
    startsAt: T0,
    endsAt: T0 + 30 * MIN,
    reason: 'month end',
    createdBy: 'admin-cli',
    createdAt: T0,
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  });
  return {
    ...stores,
    unique,
    newUser,
    storedUser,
    newGrant,
    async storedGrant(overrides = {}) {
      const grant = newGrant(overrides.userId ?? (await storedUser()).id, overrides);
      await stores.store().grants.insert(grant);
      return grant;
    },
  };
}

/** `items` ordered by id, to compare lists whose order the contract leaves open. */
export const byId = <T extends { id: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => a.id.localeCompare(b.id));
