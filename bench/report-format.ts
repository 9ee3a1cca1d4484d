/** Markdown building blocks of the report, laid out as prettier formats them. Pure. */
import type { Spread } from './stats.js';

export const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';

/** "median" for one run, "median (min–max)" for several. */
export function spreadCell(s: Spread, digits: number, suffix = ''): string {
  if (s.runs === 0) return '—';
  const median = `${fixed(s.median, digits)}${suffix}`;
  if (s.runs === 1) return median;
  return `${median} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

/** A table laid out the way prettier formats markdown: padded cells, aligned delimiters. */
export function markdownTable(header: string[], rows: string[][], right: boolean[]): string[] {
  const width = (cell: string) => [...cell].length;
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(cell)));
    return right[i] ? fill + cell : cell + fill;
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (right[i] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}
