// What the CLI prints on stderr carries other people's text: an approver's denial comment ends
// `jitgate request --wait` as its error line. A control character in it (ESC, CR, BEL) would be
// run by the requester's terminal: erase the line, print a fake "granted", retitle the window.
// It shows as `\xNN` instead, like the cells of a table (cli/output.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { runCli } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { bearerCall, call } from '../access/api-client.js';

const HOSTILE_COMMENT = 'not now\u001b[2K\r\u001b[32mjitgate: granted payroll\u001b]0;owned\u0007';

let demo: TestDemo;
let alice: TestBrowser;
let bob: TestBrowser;
before(async () => {
  demo = await startTestDemo();
  alice = await demo.login('alice');
  bob = await demo.login('bob');
});
after(() => demo.stop());

/** Alice's pending request for payroll, once the CLI has filed it. */
async function pendingRequest(token: string): Promise<string> {
  for (;;) {
    const mine = await bearerCall(token, demo.url, 'GET', '/api/v1/requests');
    const requests = mine.json.requests as { id: string; state: string }[];
    const pending = requests.find((r) => r.state === 'pending');
    if (pending) return pending.id;
    await new Promise((resolve) => setTimeout(resolve, 20)); // a poll, not a deadline
  }
}

void describe('the CLI keeps control characters from the terminal', () => {
  void it("an approver's denial comment reaches the requester as text, not as escapes", async () => {
    const issued = await call(alice, demo.url, 'POST', '/api/v1/tokens', { label: 'cli' });
    assert.equal(issued.status, 201, issued.body);
    const token = String(issued.json.token);
    const run = runCli(
      ['request', 'payroll', '--for', '30m', '--reason', 'month-end', '--wait', '--url', demo.url],
      { JITGATE_TOKEN: token },
    );
    const id = await pendingRequest(token);
    const denied = await call(bob, demo.url, 'POST', `/api/v1/requests/${id}/deny`, {
      comment: HOSTILE_COMMENT,
    });
    assert.equal(denied.status, 200, denied.body);
    const { code, stderr } = await run;
    assert.equal(code, 6, stderr);
    // eslint-disable-next-line no-control-regex -- what must not reach the terminal
    assert.doesNotMatch(stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    assert.match(
      stderr,
      /not now\\x1b\[2K\\x0d\\x1b\[32mjitgate: granted payroll\\x1b\]0;owned\\x07/,
    );
  });
});
