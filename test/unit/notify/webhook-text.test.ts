// Webhook `text` goes to Slack-compatible receivers, which read `<…>` as markup: a mention that
// pages a whole channel (`<!channel>`), a link whose label hides its target. People's own words
// (reasons, comments, incidents, names from an IdP) must reach approvers as words.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccessRequest } from '../../../proxy/access/request-record.js';
import type { BreakGlassRecord } from '../../../proxy/access/break-glass-record.js';
import { breakGlassMessage } from '../../../proxy/notify/break-glass-message.js';
import { messageFor } from '../../../proxy/notify/webhook-message.js';

const HOSTILE = '<!channel> <https://evil.example/approve|Approve here> & more';
const ESCAPED = '&lt;!channel&gt; &lt;https://evil.example/approve|Approve here&gt; &amp; more';

const request: AccessRequest = {
  id: 'req_test',
  userId: 'vendor:vic',
  resourceId: 'payroll',
  durationMs: 30 * 60_000,
  reason: HOSTILE,
  ticket: null,
  startAt: null,
  state: 'pending',
  policyId: 'vendor-payroll',
  approvalsRequired: 1,
  policyReasons: [],
  createdAt: 1_800_000_000_000,
  expiresAt: 1_800_003_600_000,
  decidedAt: null,
  decidedBy: null,
  comment: null,
  grantId: null,
  approvals: [],
};

void describe('webhook text', () => {
  test('a reason and a name from the IdP arrive as text, not as Slack markup', () => {
    const message = messageFor({ type: 'request.created', request }, () => '<@U024BE7LH>');
    assert.equal(message?.text, `&lt;@U024BE7LH&gt; requests payroll for 30m: ${ESCAPED}`);
    assert.equal((message?.data.request as { reason: string }).reason, HOSTILE, 'data is as given');
  });

  test("an approver's comment arrives as text", () => {
    const decided = {
      ...request,
      state: 'denied' as const,
      decidedBy: 'demo:bob',
      comment: HOSTILE,
    };
    const message = messageFor({ type: 'request.updated', request: decided }, (id) => id);
    assert.equal(
      message?.text,
      `vendor:vic's request for payroll was denied by demo:bob: ${ESCAPED}`,
    );
  });

  test('a break-glass incident and reason arrive as text', () => {
    const record: BreakGlassRecord = {
      grantId: 'grt_x',
      userId: 'demo:alice',
      resourceId: 'payroll',
      policyId: 'p',
      incident: '<!here>',
      reason: HOSTILE,
      createdAt: 0,
      reviewDueAt: 0,
      overdueFlaggedAt: null,
      review: null,
    };
    const message = breakGlassMessage('started', record, (id) => id);
    assert.ok(!message.text.includes('<'), message.text);
    assert.ok(message.text.includes(`incident &lt;!here&gt;: ${ESCAPED}`), message.text);
  });
});
