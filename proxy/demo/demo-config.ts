/** The demo's people and its configuration, built once the listening port is known. */
import type { ConfigInput } from '../config/schema.js';
import {
  DEMO_MACHINE_POLICIES,
  DEMO_MACHINES,
  demoMachineResources,
  type OrdersDbSource,
} from './demo-machines.js';
import type { DemoUser } from './idp.js';
import {
  demoTerminalPolicies,
  demoTerminalResources,
  type DemoSshTarget,
} from './demo-terminal.js';

export const DEMO_PASSWORD = 'demo';

export const DEMO_USERS: DemoUser[] = [
  {
    username: 'alice',
    password: DEMO_PASSWORD,
    email: 'alice@demo.jitgate.test',
    name: 'Alice Staff',
    groups: ['staff'],
  },
  {
    username: 'bob',
    password: DEMO_PASSWORD,
    email: 'bob@demo.jitgate.test',
    name: 'Bob Approver',
    groups: ['staff', 'approvers'],
  },
  {
    username: 'carol',
    password: DEMO_PASSWORD,
    email: 'carol@demo.jitgate.test',
    name: 'Carol Auditor',
    groups: ['auditors'],
  },
  {
    username: 'vic',
    password: DEMO_PASSWORD,
    email: 'vic@vendor.demo.jitgate.test',
    name: 'Vic Vendor',
    groups: ['vendors'],
  },
];

export const DEMO_ROLES: Record<string, string> = {
  alice: 'staff',
  bob: 'approver',
  carol: 'auditor',
  vic: 'vendor',
};

/**
 * Two identity providers, as a real deployment has: the company's own for staff, and a separate
 * one whose users jitgate treats as vendors (policies restrict them to named apps, always need
 * approval and are always recorded).
 */
export const DEMO_IDPS = {
  demo: {
    path: '/idp',
    name: 'jitgate demo IdP',
    kind: 'person',
    users: ['alice', 'bob', 'carol'],
  },
  vendors: { path: '/vendor-idp', name: 'Demo vendor IdP', kind: 'vendor', users: ['vic'] },
} as const;

export type DemoIdpId = keyof typeof DEMO_IDPS;

/**
 * A SAML 2.0 IdP (saml-idp.ts) with the staff IdP's people, for trying jitgate's SAML login:
 * the same users sign in through it as `demo-saml:<name>`, with the same groups.
 */
export const DEMO_SAML_IDP = {
  id: 'demo-saml',
  path: '/saml-idp',
  name: 'Demo SAML IdP',
  users: DEMO_IDPS.demo.users,
} as const;

/** Which demo IdP a demo user signs in with. */
export const demoIdpFor = (username: string): DemoIdpId =>
  (DEMO_IDPS.vendors.users as readonly string[]).includes(username) ? 'vendors' : 'demo';

export interface DemoConfigInput {
  port: number;
  stateDir: string;
  /** Client secret per demo IdP. */
  clientSecrets: Record<DemoIdpId, string>;
  payrollUrl: string;
  /** The demo sshd, when one runs: adds prod-shell and who may request it. */
  sshTarget?: DemoSshTarget;
  /** Where the state is kept; SQLite in stateDir unless given. */
  storage?: ConfigInput['storage'];
  /** The bearer demo-cluster's API server would send to the TokenReview webhook. */
  kubeReviewerToken: string;
  /** Sign-in limits other than the defaults (tests of the limits themselves). */
  rateLimits?: ConfigInput['rateLimits'];
  /** Where orders-db's admin URL comes from (orders-db.ts). */
  ordersDb: OrdersDbSource;
}

export function demoConfig(input: DemoConfigInput): ConfigInput {
  const origin = `http://localhost:${input.port}`;
  return {
    server: { host: '127.0.0.1', port: input.port, publicUrl: origin },
    state: { dir: input.stateDir },
    ...(input.storage ? { storage: input.storage } : {}),
    ...(input.rateLimits ? { rateLimits: input.rateLimits } : {}),
    identityProviders: [
      ...(Object.keys(DEMO_IDPS) as DemoIdpId[]).map((id) => ({
        id,
        name: DEMO_IDPS[id].name,
        kind: DEMO_IDPS[id].kind,
        issuer: `${origin}${DEMO_IDPS[id].path}`,
        clientId: 'jitgate-portal',
        clientSecret: input.clientSecrets[id],
        scopes: ['openid', 'email', 'profile', 'groups'],
        passUnmappedGroups: true,
        allowInsecureRequests: true,
      })),
      {
        id: DEMO_SAML_IDP.id,
        type: 'saml' as const,
        name: DEMO_SAML_IDP.name,
        // Read at the first SAML login, from the demo IdP on this very server.
        metadataUrl: `${origin}${DEMO_SAML_IDP.path}/metadata`,
        allowInsecureRequests: true,
        wantResponseSigned: true,
        passUnmappedGroups: true,
      },
    ],
    resources: [
      {
        id: 'payroll',
        kind: 'web',
        name: 'Payroll',
        description: 'The demo payroll app. It shows the identity jitgate asserts to it.',
        host: 'payroll.localhost',
        upstream: input.payrollUrl,
        headers: { 'X-Payroll-User': '{username}' },
        // Auditors see what was sent, not only where: payroll's writes keep their redacted bodies.
        trail: { storeBodies: true, redactFields: ['iban'] },
        // Payroll's own /login takes a per-grant password the extension fills in.
        formLogin: {
          loginPath: '/login',
          usernameSelector: '#username',
          passwordSelector: '#password',
          submitSelector: '#sign-in',
        },
      },
      ...demoMachineResources(input.ordersDb, input.kubeReviewerToken),
      ...demoTerminalResources(input.sshTarget),
    ],
    policies: [
      {
        id: 'staff-payroll',
        description: 'Staff ask for payroll with a reason; an approver says yes.',
        resources: ['payroll'],
        subjects: { groups: ['staff'], kinds: ['person'] },
        maxDuration: '8h',
        requireReason: true,
        approval: { groups: ['approvers'], count: 1 },
      },
      {
        id: 'vendor-payroll',
        description: 'Vendors reach payroll only on approval, in office hours, recorded.',
        resources: ['payroll'],
        subjects: { groups: ['vendors'], kinds: ['vendor'] },
        maxDuration: '4h',
        approval: { groups: ['approvers'], count: 1 },
        recording: 'required',
        windows: [
          {
            days: ['mon', 'tue', 'wed', 'thu', 'fri'],
            from: '07:00',
            to: '19:00',
            timeZone: 'Europe/Berlin',
          },
        ],
      },
      ...DEMO_MACHINE_POLICIES,
      ...demoTerminalPolicies(input.sshTarget),
    ],
    machines: DEMO_MACHINES,
    admins: { groups: ['admins'] },
    auditors: { groups: ['auditors'] },
    // Demo users add an authenticator app at their first login and use it at every login after.
    mfa: { atLogin: true },
  };
}
