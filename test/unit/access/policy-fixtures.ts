// People and policies for the policy tests. Policies go through the real config loader, so they
// carry the schema's defaults exactly as a deployment would.
import { validateConfig } from '../../../proxy/config/load.js';
import type { ConfigInput, PolicyConfig } from '../../../proxy/config/schema.js';
import type { RequestInput, Subject } from '../../../proxy/access/types.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** Monday 2024-01-15 10:00 in Berlin (CET). */
export const MON_10_BERLIN = Date.UTC(2024, 0, 15, 9);
/** Saturday 2024-01-20 10:00 in Berlin. */
export const SAT_10_BERLIN = Date.UTC(2024, 0, 20, 9);

export type PolicyInput = NonNullable<ConfigInput['policies']>[number];

const web = (id: string) => ({
  id,
  kind: 'web' as const,
  host: `${id}.example.com`,
  upstream: 'http://127.0.0.1:9000',
});

/** Validates policies as part of a whole config and returns them parsed. */
export function policies(...inputs: PolicyInput[]): PolicyConfig[] {
  return validateConfig({
    identityProviders: [{ id: 'corp', issuer: 'https://login.example.com', clientId: 'x' }],
    resources: [web('payroll'), web('orders-db'), web('wiki')],
    policies: inputs,
  }).policies;
}

const person = (username: string, groups: string[], extra: Partial<Subject> = {}): Subject => ({
  id: `corp:${username}`,
  username,
  email: `${username}@example.com`,
  groups,
  kind: 'person',
  claims: {},
  ...extra,
});

export const alice = person('alice', ['staff']);
export const bob = person('bob', ['staff', 'approvers']);
export const erin = person('erin', ['approvers']);
export const frank = person('frank', ['approvers']);
export const carol = person('carol', ['auditors']);
export const dana = person('dana', ['staff'], { claims: { department: 'finance' } });
export const vic = person('vic', ['vendors'], { id: 'partners:vic', kind: 'vendor' });
export const ci = person('ci', ['ci'], { id: 'machine:ci', kind: 'machine', email: null });

const approvers = { groups: ['approvers'], count: 1 };
const berlinOffice = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const,
  from: '07:00',
  to: '19:00',
  timeZone: 'Europe/Berlin',
};

export const P = {
  staffPayroll: {
    id: 'staff-payroll',
    resources: ['payroll'],
    subjects: { groups: ['staff'], kinds: ['person'] },
    maxDuration: '8h',
    approval: approvers,
  },
  vendorPayroll: {
    id: 'vendor-payroll',
    resources: ['payroll'],
    subjects: { groups: ['vendors'], kinds: ['vendor'] },
    maxDuration: '4h',
    approval: approvers,
    recording: 'required',
    windows: [{ ...berlinOffice, days: [...berlinOffice.days] }],
  },
  ciOrders: {
    id: 'ci-orders',
    resources: ['orders-db'],
    subjects: { groups: ['ci'], kinds: ['machine'] },
    maxDuration: '1h',
    autoApprove: { maxDuration: '15m', kinds: ['machine'], reasonPattern: '^migration' },
  },
  staffQuick: {
    id: 'staff-quick',
    resources: ['payroll'],
    subjects: { groups: ['staff'] },
    maxDuration: '2h',
    approval: approvers,
    autoApprove: { maxDuration: '30m' },
  },
  staffTwo: {
    id: 'staff-two',
    resources: ['payroll'],
    subjects: { groups: ['staff'] },
    maxDuration: '8h',
    approval: { groups: ['approvers'], count: 2 },
  },
} satisfies Record<string, PolicyInput>;

/** A request for payroll, 30 minutes, with a reason, starting now. */
export const ask = (overrides: Partial<RequestInput> = {}): RequestInput => ({
  resourceId: 'payroll',
  durationMs: 30 * MIN,
  reason: 'month-end close',
  ticket: null,
  startAt: null,
  ...overrides,
});
