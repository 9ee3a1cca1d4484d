/**
 * An SSH target's standing access is what its agent last reported. An agent that stopped (killed,
 * removed, hung) sends nothing more, and its last report, however clean, must not stand for the
 * host for ever: past the resource's `agentReportMaxAge` the target is also a `scan_failed`
 * finding that says when it last reported, beside the findings of that report.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { sshResource } from '../../../proxy/config/ssh-schema.js';
import { StandingScan } from '../../../proxy/credentials/standing-scan.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';

const T0 = Date.parse('2026-12-03T09:00:00Z');
const MINUTE = 60_000;
const store = openSqliteStore(':memory:');
after(() => store.close());

const resource = (id: string, extra: Record<string, unknown> = {}) =>
  sshResource.parse({
    id,
    kind: 'ssh',
    host: '127.0.0.1',
    logins: ['deploy'],
    hostKey: publicKeyLine(generateKeyPairSync('ed25519').publicKey),
    agentToken: 'agent-token-0123456789abcdef-0123456789',
    ...extra,
  });

function scanAt(now: number, resources: ReturnType<typeof resource>[]) {
  return new StandingScan({
    resources: [],
    pools: { admin: () => assert.fail('no PostgreSQL resource here') },
    sshResources: resources,
    reports: store.standingReports,
    log: silentLogger,
    now: () => now,
  }).scan();
}

void describe('standing scan of SSH targets', () => {
  void it('flags a report older than agentReportMaxAge (1h by default), and keeps its findings', async () => {
    const shell = resource('prod-shell');
    const root = { kind: 'ssh_authorized_key', principal: 'root', detail: 'a key' };
    await store.standingReports.put({ resourceId: 'prod-shell', findings: [root], reportedAt: T0 });

    assert.deepEqual(await scanAt(T0 + 60 * MINUTE, [shell]), [
      { resource: 'prod-shell', ...root },
    ]);
    assert.deepEqual(await scanAt(T0 + 61 * MINUTE, [shell]), [
      { resource: 'prod-shell', ...root },
      {
        resource: 'prod-shell',
        kind: 'scan_failed',
        principal: null,
        detail: 'last reported 2026-12-03T09:00:00.000Z, over 1h ago: is its target agent running?',
      },
    ]);
  });

  void it('takes the resource’s own agentReportMaxAge, and flags a stale clean report too', async () => {
    const batch = resource('batch-host', { agentReportMaxAge: '25h' });
    await store.standingReports.put({ resourceId: 'batch-host', findings: [], reportedAt: T0 });
    assert.deepEqual(await scanAt(T0 + 24 * 60 * MINUTE, [batch]), []);
    assert.deepEqual(
      (await scanAt(T0 + 26 * 60 * MINUTE, [batch])).map((f) => [f.resource, f.kind]),
      [['batch-host', 'scan_failed']],
    );
  });
});
