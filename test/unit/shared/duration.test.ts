// Durations as people write them in config and on the command line, and back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDuration, parseDuration } from '../../../proxy/shared/duration.js';

void describe('parseDuration', () => {
  void test('reads each unit and combinations, largest first or not', () => {
    const cases: [string, number][] = [
      ['250ms', 250],
      ['90s', 90_000],
      ['30m', 1_800_000],
      ['8h', 28_800_000],
      ['2d', 172_800_000],
      ['1h30m', 5_400_000],
      ['1m30s', 90_000],
      ['1d2h3m4s5ms', 93_784_005],
      ['0s', 0],
      [' 5m ', 300_000],
    ];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  });

  void test('tells "m" (minutes) from "ms" (milliseconds)', () => {
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('5ms'), 5);
    assert.equal(parseDuration('1m5s'), 65_000);
  });

  void test('returns undefined for anything malformed', () => {
    const bad = [
      '',
      '   ',
      '5',
      'm',
      '5 m',
      '1h 30m',
      '-5m',
      '1.5h',
      '5M',
      '5min',
      '1h30',
      'h1',
      '1e3s',
    ];
    for (const text of bad) assert.equal(parseDuration(text), undefined, JSON.stringify(text));
  });

  void test('returns undefined when the total is not a safe integer', () => {
    assert.equal(parseDuration('99999999999999999999d'), undefined);
  });

  void test('does not keep state between calls (the regex is global)', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('x'), undefined);
    assert.equal(parseDuration('1h30m'), 5_400_000);
  });
});

void describe('formatDuration', () => {
  void test('writes the largest units first and leaves out zero parts', () => {
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(3_600_000), '1h');
    assert.equal(formatDuration(90_000_000), '1d1h');
    assert.equal(formatDuration(86_400_000 + 1000), '1d1s');
  });

  void test('rounds to whole seconds and never goes below "0s"', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(-5000), '0s');
    assert.equal(formatDuration(400), '0s');
    assert.equal(formatDuration(1500), '2s');
    assert.equal(formatDuration(59_999), '1m');
  });

  void test('round-trips through parseDuration for whole seconds', () => {
    for (const ms of [1000, 59_000, 61_000, 3_600_000, 5_400_000, 90_061_000]) {
      assert.equal(parseDuration(formatDuration(ms)), ms, String(ms));
    }
  });
});
