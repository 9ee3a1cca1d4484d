// The policy part of the config: defaults, every new problem reported with its path (and line),
// cross-checks between keys, auditors, and the demo's policies.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoConfig } from '../../../proxy/demo/demo-config.js';
import { ConfigError } from '../../../proxy/config/errors.js';
import { parseConfig, validateConfig } from '../../../proxy/config/load.js';

const HEAD = `identityProviders:
  - id: corp
    issuer: https://login.example.com
    clientId: jitgate
resources:
  - id: payroll
    kind: web
    host: payroll.example.com
    upstream: http://127.0.0.1:9001
policies:
`;

/** Problems of a config whose only policy is `body` (YAML, indented under "  - "). */
function problems(body: string): readonly string[] {
  try {
    parseConfig(HEAD + body, 'inline.yaml', {});
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('the configuration loaded, but it has problems');
}

const BASE = `  - id: staff
    resources: [payroll]
    approval: { groups: [approvers] }
`;

void describe('valid policies', () => {
  void test('a minimal policy gets every default', () => {
    const [policy] = parseConfig(HEAD + BASE, 'inline.yaml', {}).policies;
    assert.deepEqual(policy, {
      id: 'staff',
      resources: ['payroll'],
      subjects: { groups: [], kinds: ['person'], users: [], claims: {} },
      maxDuration: 3_600_000,
      requireReason: true,
      approval: { groups: ['approvers'], count: 1 },
      mfa: { request: false, approve: true, terminal: false },
      windows: [],
      recording: 'optional',
      pendingTimeout: 3_600_000,
    });
  });

  void test('every key set', () => {
    const config = parseConfig(
      `${HEAD}  - id: ci
    description: CI migrations
    resources: [payroll]
    subjects: { groups: [ci], kinds: [machine], users: [ci-bot], claims: { env: [prod, stage], team: db } }
    maxDuration: 8h
    requireReason: false
    ticketPattern: '^[A-Z]+-\\d+$'
    approval: { groups: [approvers, dba], count: 2 }
    autoApprove: { maxDuration: 4h, kinds: [machine], groups: [ci], reasonPattern: '^deploy', ticketPattern: '^CHG-' }
    mfa: { request: true, approve: false }
    windows:
      - { days: [sat], from: '22:00', to: '06:00', timeZone: Pacific/Auckland }
    recording: required
    pendingTimeout: 10m
auditors:
  groups: [security]
`,
      'inline.yaml',
      {},
    );
    const [policy] = config.policies;
    assert.equal(policy?.autoApprove?.maxDuration, 4 * 3_600_000);
    assert.deepEqual(policy?.subjects.claims, { env: ['prod', 'stage'], team: 'db' });
    assert.equal(policy?.ticketPattern, '^[A-Z]+-\\d+$');
    assert.equal(policy?.windows[0]?.to, '06:00');
    assert.equal(policy?.pendingTimeout, 600_000);
    assert.deepEqual(config.auditors, { groups: ['security'] });
  });

  void test('auditors default to nobody', () => {
    assert.deepEqual(parseConfig(HEAD + BASE, 'inline.yaml', {}).auditors, { groups: [] });
  });

  void test('the demo configuration is valid and has both policies', () => {
    const base = {
      port: 0,
      stateDir: '/tmp/x',
      clientSecrets: { demo: 's', vendors: 'v' },
      payrollUrl: 'http://127.0.0.1:1',
      kubeReviewerToken: 'r'.repeat(32),
      ordersDb: { adminUrl: { env: 'JITGATE_DEMO_PG_URL' }, database: 'orders' },
    };
    const config = validateConfig(demoConfig(base), {});
    const [staff, vendor] = config.policies;
    assert.deepEqual(staff?.subjects.groups, ['staff']);
    assert.equal(staff?.maxDuration, 8 * 3_600_000);
    assert.deepEqual(vendor?.subjects.kinds, ['vendor']);
    assert.equal(vendor?.recording, 'required');
    assert.equal(vendor?.windows[0]?.timeZone, 'Europe/Berlin');
    assert.deepEqual(config.auditors.groups, ['auditors']);
  });
});

// prettier-ignore
const bad: [string, string, string[]][] = [
  ['neither approval nor autoApprove', `  - id: staff\n    resources: [payroll]\n`, ['policies[0] (line 11): needs approval or autoApprove']],
  ['the old top-level keys', `${BASE}    groups: [staff]\n    kinds: [person]\n`, ['policies[0].groups (line 14): unknown key', 'policies[0].kinds (line 15): unknown key']],
  ['unknown resource', `  - id: staff\n    resources: [payrol]\n    approval: { groups: [a] }\n`, ['policies[0].resources[0] (line 12): names unknown resource "payrol"']],
  ['autoApprove longer than maxDuration', `${BASE}    maxDuration: 1h\n    autoApprove: { maxDuration: 2h }\n`, ["policies[0].autoApprove.maxDuration (line 15): must not be longer than the policy's maxDuration"]],
  ['autoApprove longer than the default maxDuration', `${BASE}    autoApprove: { maxDuration: 90m }\n`, ["policies[0].autoApprove.maxDuration (line 14): must not be longer than the policy's maxDuration"]],
  ['autoApprove over the 4h hard cap', `${BASE}    maxDuration: 8h\n    autoApprove: { maxDuration: 5h }\n`, ['policies[0].autoApprove.maxDuration (line 15): must be at most 4h']],
  ['autoApprove for vendors', `${BASE}    autoApprove: { maxDuration: 5m, kinds: [vendor] }\n`, ['policies[0].autoApprove.kinds[0] (line 14): must be "person" or "machine": vendors always need approval']],
  ['a regex that does not compile', `${BASE}    ticketPattern: '(['\n`, ['policies[0].ticketPattern (line 14): must be a valid regular expression']],
  ['a regex over 200 characters', `${BASE}    ticketPattern: '${'a'.repeat(201)}'\n`, ['policies[0].ticketPattern (line 14): must be at most 200 characters']],
  ['a bad auto-approve reason pattern', `${BASE}    autoApprove: { maxDuration: 5m, reasonPattern: '*' }\n`, ['policies[0].autoApprove.reasonPattern (line 14): must be a valid regular expression']],
  ['approval count out of range', `  - id: staff\n    resources: [payroll]\n    approval: { groups: [a], count: 11 }\n`, ['policies[0].approval.count (line 13): must be at most 10']],
  ['approval count zero, no groups', `  - id: staff\n    resources: [payroll]\n    approval: { groups: [], count: 0 }\n`, ['policies[0].approval.groups (line 13): must not be empty', 'policies[0].approval.count (line 13): must be at least 1']],
  ['an empty approval', `  - id: staff\n    resources: [payroll]\n    approval:\n`, ['policies[0].approval (line 13): is empty; it must be a mapping']],
  ['no kinds at all', `${BASE}    subjects: { kinds: [] }\n`, ['policies[0].subjects.kinds (line 14): must not be empty']],
  ['a kind that does not exist', `${BASE}    subjects: { kinds: [robot] }\n`, ['policies[0].subjects.kinds[0] (line 14): must be one of "person", "vendor", "machine"']],
  ['window: unknown time zone', `${BASE}    windows:\n      - { days: [mon], from: '08:00', to: '18:00', timeZone: Europe/Berln }\n`, ['policies[0].windows[0].timeZone (line 15): must be an IANA time zone such as "Europe/Berlin"']],
  ['window: bad times and days', `${BASE}    windows:\n      - { days: [], from: '8am', to: '24:00', timeZone: UTC }\n`, ['policies[0].windows[0].days (line 15): must not be empty', 'policies[0].windows[0].from (line 15): must be a time of day such as "08:00" (24-hour clock)', 'policies[0].windows[0].to (line 15): must be a time of day such as "08:00" (24-hour clock)']],
  ['window: a day name spelled out', `${BASE}    windows:\n      - { days: [monday], from: '08:00', to: '18:00', timeZone: UTC }\n`, ['policies[0].windows[0].days[0] (line 15): must be one of "mon", "tue", "wed", "thu", "fri", "sat", "sun"']],
  ['window: no time zone', `${BASE}    windows:\n      - { days: [mon], from: '08:00', to: '18:00' }\n`, ['policies[0].windows[0].timeZone (line 15): is required']],
  ['recording and pendingTimeout', `${BASE}    recording: always\n    pendingTimeout: 0s\n`, ['policies[0].recording (line 14): must be one of "required", "optional"', 'policies[0].pendingTimeout (line 15): must be a duration such as "90s", "30m", "8h", "1h30m"']],
  ['auditors is a mapping of groups', `${BASE}auditors: [carol]\n`, ['auditors (line 14): must be a mapping']],
];

void describe('policy problems', () => {
  for (const [name, body, expected] of bad) {
    void test(name, () => assert.deepEqual(problems(body), expected));
  }
});
