// The bench report: ratios taken within each run and summarized as median (min–max), a verdict
// for every goal of issue #19 (a missing row says why, it never passes), and Markdown that is
// already in prettier's layout, so the committed report and the README's copy pass the lint.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as prettier from 'prettier';
import { decisive, judgeGoals } from '../../../bench/goals.js';
import { spreadCell } from '../../../bench/report-format.js';
import { renderReport } from '../../../bench/report.js';
import { summarizeWeb } from '../../../bench/summary.js';
import { measure, results, scale, terminals } from './report-fixture.js';

const goalsOf = (r: ReturnType<typeof results>) => {
  const web = summarizeWeb(r.web?.runs ?? []);
  return judgeGoals({
    web,
    skipped: r.web?.skipped ?? [],
    rssAfterMiB: r.web?.jitgateRssMiB.after,
    terminals: r.terminals,
    scale: r.scale,
  });
};

void describe('bench report', () => {
  test('takes each ratio within its run, then the median and range', () => {
    const jitgate = summarizeWeb(results(2).web?.runs ?? []).find((w) => w.role === 'jitgate');
    assert.ok(jitgate);
    assert.deepEqual(jitgate.percentOfNginx, { median: 41, min: 40, max: 42, runs: 2 });
    assert.equal(jitgate.cpuVsFloor.median, 80 / 60);
    assert.equal(jitgate.cpuVsApache.median, 0.8);
    assert.ok(Math.abs(jitgate.addedP50.median - 0.4) < 1e-9);
    assert.equal(spreadCell(jitgate.percentOfNginx, 0, '%'), '41% (40–42)');
    assert.equal(spreadCell({ median: 5, min: 5, max: 5, runs: 1 }, 1), '5.0');
  });

  test('judges every goal, and says why when one was not measured', () => {
    const goals = goalsOf(results(1));
    const verdict = (start: string) => goals.find((g) => g.goal.startsWith(start));
    assert.equal(verdict('jitgate req/s')?.verdict, 'pass');
    assert.equal(verdict('CPU per request ≤ 1.5×')?.verdict, 'pass');
    assert.equal(verdict('CPU per request ≤ 0.7×')?.verdict, 'fail');
    assert.equal(verdict('jitgate RSS')?.verdict, 'pass');
    assert.equal(verdict('terminal relay')?.verdict, 'not measured');
    assert.equal(verdict('terminal relay')?.measured, 'sshd is not installed');
    assert.equal(verdict('one worker per core')?.measured, 'planned: one worker per core');
    assert.equal(verdict('hot-path CPU')?.verdict, 'not measured');
  });

  test('judges the PostgreSQL rows: workers against Apache, replicas by transactions per request', () => {
    const r = results(1);
    r.web?.skipped.splice(0);
    const replicas = (perRequest: number) => ({
      ...measure('jitgate-replicas', 20_000, 90, 0.7),
      storeTransactionsPerRequest: perRequest,
    });
    r.web?.runs[0]?.push(measure('jitgate-workers', 19_000, 85, 0.6), replicas(0.002));
    const goals = goalsOf(r);
    const verdict = (start: string) => goals.find((g) => g.goal.startsWith(start));
    assert.deepEqual(
      [verdict('one worker per core')?.verdict, verdict('one worker per core')?.measured],
      ['pass', '1.27×'],
    );
    assert.deepEqual(
      [verdict('two replicas')?.verdict, verdict('two replicas')?.measured],
      ['pass', '0.0020 transactions per request'],
    );
    // A round trip per request fails it; a workers row below 1.2× Apache fails too.
    r.web?.runs[0]?.splice(5, 2, measure('jitgate-workers', 17_000, 85, 0.6), replicas(1.01));
    const worse = goalsOf(r);
    assert.equal(worse.find((g) => g.goal.startsWith('one worker'))?.verdict, 'fail');
    assert.equal(worse.find((g) => g.goal.startsWith('two replicas'))?.verdict, 'fail');
  });

  test('puts the several-process rows against the single process of the same run, in words', () => {
    const r = results(1);
    r.web?.skipped.splice(0);
    const replicas = { ...measure('jitgate-replicas', 16_000, 120, 0.7) };
    replicas.storeTransactionsPerRequest = 0.002;
    r.web?.runs[0]?.push(measure('jitgate-workers', 24_000, 72, 0.6), replicas);
    const report = renderReport(r);
    assert.match(
      report,
      /Against the single jitgate process in the same run: jitgate-workers <row> served 1\.20× its requests\/s at 0\.90× its CPU per request; jitgate-replicas <row> 0\.80× its requests\/s at 1\.50× its CPU per request \(that row counts nginx and both replicas\), with 0\.0020 PostgreSQL transactions per proxied request/,
    );
    assert.doesNotMatch(renderReport(results(1)), /Against the single jitgate process/);
  });

  test('never writes a figure rounded onto the other side of its goal', () => {
    assert.equal(
      decisive(59.7, 0, (v) => v >= 60),
      '59.7',
    );
    assert.equal(
      decisive(120.4, 0, (v) => v <= 120),
      '120.4',
    );
    assert.equal(
      decisive(1.5004, 2, (v) => v <= 1.5),
      '1.5004',
    );
    assert.equal(
      decisive(119.6, 0, (v) => v <= 120),
      '120',
    ); // rounds, and still passes
    assert.equal(
      decisive(56.3, 0, (v) => v >= 60),
      '56',
    );
    const r = { ...results(1), terminals: structuredClone(terminals) };
    if (typeof r.terminals === 'object') r.terminals.relay.bytesPerSecond = 59.7 * 2 ** 20;
    const relay = goalsOf(r).find((g) => g.goal.startsWith('terminal relay'));
    assert.deepEqual([relay?.measured, relay?.verdict], ['59.7%', 'fail']);
    assert.ok(r.web);
    r.web.jitgateRssMiB.after = 120.4;
    const rss = goalsOf(r).find((g) => g.goal.startsWith('jitgate RSS'));
    assert.deepEqual([rss?.measured, rss?.verdict], ['120.4 MiB', 'fail']);
  });

  test('a goal whose comparison row is missing is not measured, not passed', () => {
    const r = results(1);
    r.web?.runs.forEach((run) => run.splice(3, 1)); // no Apache row
    r.web?.skipped.push({ role: 'apache', why: 'apache2 is not installed' });
    const apache = goalsOf(r).find((g) => g.goal.includes('Apache'));
    assert.deepEqual(
      [apache?.verdict, apache?.measured],
      ['not measured', 'apache2 is not installed'],
    );
  });

  test('notes a row whose generator fell behind or whose requests failed', () => {
    const r = results(1);
    const late = measure('jitgate', 100, 80, 50);
    late.open.sendLatenessMs.p99 = 40;
    late.closed.errors = 3;
    r.web?.runs[0]?.splice(4, 1, late);
    const report = renderReport(r);
    assert.match(report, /generator sent 40\.0 ms late/);
    assert.match(report, /3 errors in 1000 closed-loop requests/);
  });

  test('judges the terminal and scale goals from their sections', () => {
    const goals = goalsOf({ ...results(1), terminals, scale });
    const of = (start: string) => goals.find((g) => g.goal.startsWith(start));
    assert.deepEqual(
      [of('terminal relay')?.measured, of('terminal relay')?.verdict],
      ['70%', 'pass'],
    );
    assert.equal(of('keystroke echo')?.verdict, 'pass');
    assert.deepEqual(
      [of('hot-path CPU')?.measured, of('hot-path CPU')?.verdict],
      ['5% (10000 people)', 'pass'],
    );
    // One connection of 1000 cut late is a failure.
    assert.equal(of('grants expiring')?.verdict, 'fail');
  });

  test('shows the terminal rounds’ median and range', () => {
    const report = renderReport({ ...results(1), terminals, scale });
    assert.match(
      report,
      /median of 3 alternated rounds, range\) \| +100\.0 \(96\.0–104\.0\) \| +70\.0 \(69\.0–75\.0\) \| +70%/,
    );
  });

  test('is Markdown in prettier’s layout', async () => {
    // (A run of some sections only, `--only terminals`, too: its file is committed as well.)
    const terminalsOnly = { ...results(1), web: undefined, terminals };
    const processes = results(2);
    for (const run of processes.web?.runs ?? [])
      run.push(measure('jitgate-workers', 24_000, 72, 0.6));
    for (const r of [
      results(1),
      results(3),
      { ...results(2), terminals, scale },
      terminalsOnly,
      processes,
    ]) {
      const report = renderReport(r);
      const config = (await prettier.resolveConfig('README.md')) ?? {};
      assert.equal(await prettier.format(report, { ...config, parser: 'markdown' }), report);
    }
  });
});
