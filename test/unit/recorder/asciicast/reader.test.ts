// The asciicast reader names the first bad line and accepts what asciinema writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CastParseError, outputText, parseCast } from '../../../../recorder/asciicast/index.js';

const HEADER = '{"version":2,"width":80,"height":24,"timestamp":1,"jitgate":{"session":"ts_x"}}';

void describe('parseCast', () => {
  it('reads the header (with jitgate fields) and events; output text joins "o" events', () => {
    const cast = parseCast(`${HEADER}\n[0.1,"o","a"]\n\n[0.2,"i","x"]\n[0.3,"o","b"]\n`);
    assert.equal(cast.header.width, 80);
    assert.deepEqual(cast.header.jitgate, { session: 'ts_x' });
    assert.equal(outputText(cast.events), 'ab');
  });

  const bad: [string, string, RegExp][] = [
    ['empty', '', /line 1: the file is empty/],
    ['version 1', '{"version":1,"width":80,"height":24}', /line 1:.*version/],
    ['no size', '{"version":2}', /width and height/],
    ['not JSON', `${HEADER}\n[0.1,"o",`, /line 2: the event is not JSON/],
    ['unknown code', `${HEADER}\n[0.1,"x","a"]`, /line 2: unknown event code/],
    [
      'time backwards',
      `${HEADER}\n[1,"o","a"]\n[0.5,"o","b"]`,
      /line 3: times must not go backwards/,
    ],
    ['data not a string', `${HEADER}\n[1,"o",5]`, /line 2: the data must be a string/],
  ];
  for (const [name, text, message] of bad)
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseCast(text),
        (error: unknown) => error instanceof CastParseError && message.test(error.message),
      );
    });
});
