// What the bench writes besides the table: the latency plot (SVG written by hand: one line per
// target, names escaped, a log axis that covers the data), the README's copy of the report
// between its markers, and the soak's flatness figure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { latencyPlot } from '../../../bench/plot.js';
import {
  END_MARKER,
  readmeWithReport,
  reportForReadme,
  START_MARKER,
} from '../../../bench/readme-copy.js';
import { soakGrowth } from '../../../bench/soak-growth.js';
import { logTicks, renderLatencyPlot } from '../../../bench/svg-plot.js';
import { results } from './report-fixture.js';

void describe('latency plot', () => {
  test('draws one line per target through its percentiles', () => {
    const svg = latencyPlot(results(2)) ?? '';
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svg.match(/<polyline /g)?.length, 5);
    assert.equal(svg.match(/<circle /g)?.length, 25);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
  });

  test('escapes names and leaves gaps for missing values', () => {
    const svg = renderLatencyPlot({
      title: 'a & b',
      xLabels: ['p50', 'p99', 'max'],
      series: [{ name: '<script>', values: [1, Number.NaN, 30] }],
    });
    assert.ok(svg.includes('a &amp; b') && svg.includes('&lt;script&gt;'));
    assert.ok(!svg.includes('<script>'));
    assert.equal(svg.match(/<circle /g)?.length, 2);
    assert.ok(!svg.includes('NaN'));
  });

  test('ticks 1-2-5 across the decades of the data', () => {
    assert.deepEqual(logTicks(0.1, 10), [0.1, 0.2, 0.5, 1, 2, 5, 10]);
    assert.deepEqual(logTicks(1, 1), [1]);
  });

  test('is empty without a web section', () => {
    assert.equal(latencyPlot({ ...results(1), web: undefined }), undefined);
  });
});

void describe('README copy', () => {
  const report = '# Benchmark: latest run\n\nIntro.\n\n## Goals\n\n![plot](latency.svg)\n';

  test('drops the title, moves headings a level down, points links into bench/results', () => {
    assert.equal(
      reportForReadme(report),
      'Intro.\n\n### Goals\n\n![plot](bench/results/latency.svg)',
    );
  });

  test('replaces only the text between the markers', () => {
    const readme = `# jitgate\n\n## Performance\n\n${START_MARKER}\n\nold table\n\n${END_MARKER}\n\nAfter.\n`;
    const updated = readmeWithReport(readme, report);
    assert.ok(!updated.includes('old table'));
    assert.ok(updated.startsWith(`# jitgate\n\n## Performance\n\n${START_MARKER}\n\nIntro.`));
    assert.ok(updated.endsWith(`plot](bench/results/latency.svg)\n\n${END_MARKER}\n\nAfter.\n`));
    assert.equal(readmeWithReport(updated, report), updated);
  });

  test('refuses a README without its markers', () => {
    assert.throws(() => readmeWithReport('# jitgate\n', report), /lacks the markers/);
  });
});

void describe('soak flatness', () => {
  const samples = (rss: number[]) => rss.map((rssMiB, i) => ({ seconds: i * 10, rssMiB }));

  test('compares the last quarter’s peak with the first’s, after the sample before load', () => {
    assert.equal(soakGrowth(samples([50, 100, 100, 101, 103, 102, 100, 105, 110])), 1.1);
    assert.equal(soakGrowth(samples([50, 100, 100])), 1);
  });

  test('is NaN with fewer than two samples under load', () => {
    assert.ok(Number.isNaN(soakGrowth(samples([50, 100]))));
  });
});
