/**
 * The CLI's tables show other people's text on an approver's or auditor's terminal: a request's
 * reason, a break-glass incident, a name from the IdP. A control character in it (ESC, CR, a C1
 * CSI) would be run by the terminal: it could erase or redraw rows, so that `jitgate requests
 * --approvals` shows another resource than the one asked for. Cells show such characters as
 * `\xNN`, and the columns stay aligned.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { printTable } from '../../../proxy/cli/output.js';

function printed(rows: string[][], header: string[]): string {
  let out = '';
  const write = mock.method(process.stdout, 'write', (chunk: string) => {
    out += chunk;
    return true;
  });
  try {
    printTable(rows, header, 'none');
  } finally {
    write.mock.restore();
  }
  return out;
}

void describe('printTable', () => {
  void it('shows control characters in cells instead of sending them to the terminal', () => {
    const reason = 'fix\r\u001b[2K\u001b[1Aprod-db\u009b2J\u0007\nx\u007f';
    const out = printed(
      [
        ['req_1', 'staging-db', reason],
        ['req_2', 'prod-db', 'ok'],
      ],
      ['REQUEST', 'RESOURCE', 'REASON'],
    );
    // eslint-disable-next-line no-control-regex -- what must not reach the terminal
    assert.doesNotMatch(out.replaceAll('\n', ''), /[\u0000-\u001f\u007f-\u009f]/);
    const lines = out.split('\n');
    assert.equal(lines.length, 4, 'one line per row, and the final newline');
    assert.equal(
      lines[1],
      'req_1    staging-db  fix\\x0d\\x1b[2K\\x1b[1Aprod-db\\x9b2J\\x07\\x0ax\\x7f',
    );
    assert.equal(lines[2], 'req_2    prod-db     ok');
  });
});
