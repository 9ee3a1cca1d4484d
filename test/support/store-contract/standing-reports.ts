/** StandingReportRepository: the newest report of a resource replaces the one before. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContractContext } from './context.js';

export function standingReportContract(c: ContractContext): void {
  void describe('standing reports', () => {
    void test('a report replaces the resource’s last one; others stay', async () => {
      const a = c.unique('res');
      const b = c.unique('res');
      const finding = { kind: 'ssh_authorized_key', principal: 'deploy', detail: 'Zoë’s key ✓' };
      await c.store().standingReports.put({ resourceId: a, findings: [finding], reportedAt: 1 });
      await c.store().standingReports.put({ resourceId: b, findings: [], reportedAt: 2 });
      await c.store().standingReports.put({
        resourceId: a,
        findings: [{ kind: 'scan_failed', principal: null, detail: 'sshd -T failed' }],
        reportedAt: 3,
      });
      const mine = (await c.store().standingReports.list()).filter((r) =>
        [a, b].includes(r.resourceId),
      );
      assert.deepEqual(
        mine.sort((x, y) => x.reportedAt - y.reportedAt),
        [
          { resourceId: b, findings: [], reportedAt: 2 },
          {
            resourceId: a,
            findings: [{ kind: 'scan_failed', principal: null, detail: 'sshd -T failed' }],
            reportedAt: 3,
          },
        ],
      );
    });

    void test('concurrent reports of one resource leave exactly one', async () => {
      const a = c.unique('res');
      await Promise.all(
        [1, 2, 3, 4].map((n) =>
          c.store().standingReports.put({ resourceId: a, findings: [], reportedAt: n }),
        ),
      );
      const mine = (await c.store().standingReports.list()).filter((r) => r.resourceId === a);
      assert.equal(mine.length, 1);
    });
  });
}
