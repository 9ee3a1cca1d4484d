// `jitgate --help` against docs/cli.md's command table: every option the table gives a command is
// in that command's line of the help, so a person who reads only `--help` learns of `--step-up`,
// `--force` or `--ticket` as one who reads the docs does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { USAGE } from '../../../proxy/cli/usage.js';

const doc = readFileSync('docs/cli.md', 'utf8');
const table = doc.slice(doc.indexOf('## Commands'), doc.indexOf('What `exec` puts'));

/** Each command the table's first column prints, with the options it names. */
const documented = table
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .flatMap((line) => [...(line.split(' | ')[0] ?? '').matchAll(/`([a-z][^`]*)`/g)])
  .map((match) => {
    const text = match[1] ?? '';
    return {
      command: text.split(' ')[0] ?? '',
      options: [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])],
    };
  });

/** The help's lines for `command` (each starts with it after the indent, or after `| `). */
const helpLines = (command: string) =>
  USAGE.split('\n').filter((line) =>
    new RegExp(`(?:^\\s+(?:jitgate )?|\\| )${command}\\b`).test(line),
  );

void describe('jitgate --help and docs/cli.md', () => {
  test('the table is read', () => assert.ok(documented.length > 15, JSON.stringify(documented)));
  for (const { command, options } of documented)
    test(`${command}: every documented option is in --help`, () => {
      const lines = helpLines(command);
      assert.ok(lines.length > 0, `--help has no line for ${command}`);
      const missing = options.filter((option) => !lines.some((line) => line.includes(option)));
      assert.deepEqual(missing, [], `--help for ${command}:\n${lines.join('\n')}`);
    });
});
