/**
 * The demo's machines and the resources they use: a CI client (`ci-runner`) that authenticates
 * with client credentials at the demo IdP, the `orders-db` PostgreSQL database (temporary roles
 * per grant; its admin URL comes from orders-db.ts) and the `demo-cluster` Kubernetes
 * cluster (grant-scoped bearers). Narrow machine requests are approved by policy; others wait
 * for an approver.
 */
import type { ConfigInput } from '../config/schema.js';

export const DEMO_PG_ENV = 'JITGATE_DEMO_PG_URL';
/** Where the demo IdP's machine tokens are for (resource indicator) and their `aud`. */
export const DEMO_API_RESOURCE = { indicator: 'urn:jitgate:api', audience: 'jitgate' };
export const DEMO_MACHINE_CLIENTS = ['ci-runner', 'nightly-report'] as const;

type Resources = NonNullable<ConfigInput['resources']>;
type Policies = NonNullable<ConfigInput['policies']>;

/** Where orders-db finds its admin URL, and the database it lives in (orders-db.ts). */
export interface OrdersDbSource {
  adminUrl: { env: string } | { file: string };
  database: string;
}

export function demoMachineResources(orders: OrdersDbSource, kubeReviewerToken: string): Resources {
  return [
    {
      id: 'orders-db',
      kind: 'postgres',
      name: 'Orders database',
      description: 'PostgreSQL: a temporary role that may read and add orders, nothing else.',
      ...('env' in orders.adminUrl
        ? { adminUrlEnv: orders.adminUrl.env }
        : { adminUrlFile: orders.adminUrl.file }),
      database: orders.database,
      statements: [
        'GRANT USAGE ON SCHEMA public TO {{role}}',
        'GRANT SELECT, INSERT ON TABLE public.orders TO {{role}}',
        'GRANT USAGE ON SEQUENCE public.orders_id_seq TO {{role}}',
      ],
      connectionLimit: 5,
    },
    {
      id: 'demo-cluster',
      kind: 'kubernetes',
      name: 'Demo cluster',
      description: 'kubectl with a bearer that ends with the grant.',
      server: 'https://kubernetes.demo.invalid:6443',
      audience: 'jitgate-demo-cluster',
      // What the cluster's API server would send to the TokenReview webhook (new every start).
      reviewerToken: kubeReviewerToken,
    },
  ];
}

export const DEMO_MACHINE_POLICIES: Policies = [
  {
    id: 'ci-orders-db',
    description:
      'CI runs migrations on its own (10 minutes at most); anything else needs a person.',
    resources: ['orders-db', 'demo-cluster'],
    subjects: { groups: ['ci'], kinds: ['machine'] },
    maxDuration: '1h',
    requireReason: true,
    autoApprove: {
      maxDuration: '10m',
      kinds: ['machine'],
      reasonPattern: '^(migration|deploy)\\b',
    },
    approval: { groups: ['approvers'], count: 1 },
  },
  {
    id: 'staff-orders-db',
    description: 'Staff ask for the orders database with a reason; an approver says yes.',
    resources: ['orders-db', 'demo-cluster'],
    subjects: { groups: ['staff'], kinds: ['person'] },
    maxDuration: '4h',
    approval: { groups: ['approvers'], count: 1 },
  },
];

export const DEMO_MACHINES: NonNullable<ConfigInput['machines']> = {
  issuers: [
    {
      idp: 'demo',
      audience: DEMO_API_RESOURCE.audience,
      clientIdClaim: 'client_id',
      groups: ['ci'],
      clients: [...DEMO_MACHINE_CLIENTS],
    },
  ],
};
