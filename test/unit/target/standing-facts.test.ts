/**
 * When `sshd -T` fails the agent can trust nothing it would read next: it reports the empty
 * report with the failure, never a partial one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyStandingReport } from '../../../proxy/shared/ssh-standing-report.js';
import { standingFacts } from '../../../proxy/target/standing-facts.js';

void describe('standing facts', () => {
  void it('reports only the failure when sshd -T cannot run', async () => {
    const report = await standingFacts({
      resource: 'prod-shell',
      sshd: '/nonexistent/sshd',
      sshdConfig: '/nonexistent/sshd_config',
      passwd: '/etc/passwd',
    });
    assert.deepEqual(report, { ...emptyStandingReport('prod-shell'), failure: 'sshd -T failed' });
  });
});
