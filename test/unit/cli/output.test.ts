/**
 * The CLI's tables show other people's text on an approver's or auditor's terminal: a request's
 * reason, a break-glass incident, a name from the IdP. A control character in it (ESC, CR, a C1
 * CSI) would be run by the terminal: it could erase or redraw rows, so that `jitgate requests
 * --approvals` shows another resource than the one asked for. Cells show such characters as
 * `\xNN`, and the columns stay aligned. `--json` and `--csv` keep what they carry, but no control
 * character reaches a terminal as itself.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { printCsv, printJson, printTable } from '../../../proxy/cli/output.js';

/** What `print` writes to stdout. */
function stdoutOf(print: () => void): string {
  let out = '';
  const write = mock.method(process.stdout, 'write', (chunk: string) => {
    out += chunk;
    return true;
  });
  try {
    print();
  } finally {
    write.mock.restore();
  }
  return out;
}

const printed = (rows: string[][], header: string[]) =>
  stdoutOf(() => printTable(rows, header, 'none'));

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

void describe('printJson and printCsv', () => {
  const hostile = 'ok\u001b[2K\u009b2J\u007f\rdone';

  void it('--json escapes DEL and C1 too, and parses back to the same text', () => {
    const out = stdoutOf(() => printJson({ reason: hostile }));
    // eslint-disable-next-line no-control-regex -- what must not reach the terminal
    assert.doesNotMatch(out.replaceAll('\n', ''), /[\u0000-\u001f\u007f-\u009f]/);
    assert.deepEqual(JSON.parse(out), { reason: hostile });
  });

  const csv = `"reason","n"\r\n"${hostile}\tx\nline two","1"\r\n`;

  void it('--csv into a file or a pipe is the server’s CSV byte for byte', () => {
    assert.equal(
      stdoutOf(() => printCsv(csv, false)),
      csv,
    );
  });

  void it('--csv on a terminal keeps line breaks and tabs and shows every other control', () => {
    const out = stdoutOf(() => printCsv(csv, true));
    assert.equal(out, '"reason","n"\r\n"ok\\x1b[2K\\x9b2J\\x7f\\x0ddone\tx\nline two","1"\r\n');
  });
});
