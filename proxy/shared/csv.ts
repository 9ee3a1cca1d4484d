/**
 * CSV (RFC 4180) for exports auditors open in spreadsheets. Every cell is quoted; a cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with `'`, since the
 * values are people's own text (reasons, incidents, comments): hostile input, not formulas.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '""';
  const text = String(value);
  const safe = typeof value === 'string' && FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** A header line and one line per row, CRLF-terminated as RFC 4180 says. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (cells: readonly unknown[]) =>
    cells.map((c) => csvCell(c as string | number | boolean | null | undefined)).join(',') + '\r\n';
  return line(header) + rows.map(line).join('');
}
