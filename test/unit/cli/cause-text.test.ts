import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { causeText } from '../../../proxy/cli/cause-text.js';
import { JitgateError } from '../../../proxy/shared/errors.js';

const coded = (message: string, code: string, cause?: unknown) =>
  Object.assign(new Error(message, { cause }), { code });

void describe('causeText', () => {
  void it('is empty for an error without a cause', () => {
    assert.equal(causeText(new JitgateError(503, 'store_unavailable', 'down')), '');
  });

  void it('says each cause outermost first, with a code its message lacks', () => {
    const full = coded('database or disk is full', 'SQLITE_FULL');
    const error = new JitgateError(500, 'internal_error', 'cannot write', {
      cause: new Error('the trail write failed', { cause: full }),
    });
    assert.equal(
      causeText(error),
      ': the trail write failed: database or disk is full (SQLITE_FULL)',
    );
    const refused = coded('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED');
    assert.equal(
      causeText(new Error('x', { cause: refused })),
      ': connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  void it('takes the first error of an AggregateError (a connection tried on several addresses)', () => {
    const tried = new AggregateError(
      [coded('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'), new Error('second')],
      'all failed',
    );
    assert.equal(
      causeText(new Error('x', { cause: tried })),
      ': all failed: connect ECONNREFUSED ::1:5432',
    );
  });

  void it('stops at a cycle, at a non-error cause and after a few causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    assert.equal(causeText(new Error('top', { cause: a })), ': a: b');
    assert.equal(causeText(new Error('top', { cause: 'a string' })), '');
    let deep: Error = new Error('e6');
    for (let i = 5; i >= 1; i--) deep = new Error(`e${i}`, { cause: deep });
    assert.equal(causeText(new Error('top', { cause: deep })), ': e1: e2: e3: e4');
  });

  void it('puts a multi-line message on one line', () => {
    assert.equal(causeText(new Error('x', { cause: new Error('one\n  two') })), ': one two');
  });
});
