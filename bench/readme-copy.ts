/**
 * The README's copy of the latest report: the text between two markers in its Performance
 * section is replaced by bench/results/latest.md, without its title, headings one level down and
 * links made relative to the repository root. Pure.
 */
export const START_MARKER = '<!-- bench:latest (npm run bench:readme writes this part) -->';
export const END_MARKER = '<!-- /bench:latest -->';

/** The report as it reads inside the README's `## Performance` section. */
export function reportForReadme(report: string, resultsDir = 'bench/results'): string {
  return report
    .replace(/^# .*\n+/, '')
    .replace(/^(#{2,5}) /gm, '#$1 ')
    .replace(/\]\((?!https?:|\/)([^)]+)\)/g, `](${resultsDir}/$1)`)
    .trim();
}

export function readmeWithReport(readme: string, report: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`README.md lacks the markers ${START_MARKER} … ${END_MARKER}`);
  return (
    readme.slice(0, start + START_MARKER.length) +
    '\n\n' +
    reportForReadme(report) +
    '\n\n' +
    readme.slice(end)
  );
}
