// docs/mfa.md's "When jitgate asks" table against the code: every action policy can guard with a
// step-up (`mfa.<action>`) has a row naming its key, and no row says a guarded thing does not
// exist yet (the terminal row did, long after terminals shipped).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { STEP_UP_ACTIONS } from '../../../proxy/access/step-up.js';

const doc = readFileSync('docs/mfa.md', 'utf8');
const section = doc.slice(doc.indexOf('## When jitgate asks'));
const rows = section
  .slice(0, section.indexOf('\n\n', section.indexOf('|')))
  .split('\n')
  .filter(
    (line) => line.startsWith('| ') && !line.startsWith('| where') && !line.startsWith('| -'),
  );

void describe('docs/mfa.md: when jitgate asks', () => {
  for (const action of STEP_UP_ACTIONS)
    test(`has a row for mfa.${action}`, () => {
      assert.ok(
        rows.some((row) => row.includes(`\`mfa.${action}`)),
        `no row names mfa.${action}:\n${rows.join('\n')}`,
      );
    });

  test('no row says what it guards does not exist yet', () => {
    for (const row of rows) assert.doesNotMatch(row, /not exist|exists yet|not yet|no .* yet/i);
  });
});
