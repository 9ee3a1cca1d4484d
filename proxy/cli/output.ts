/** How commands print: JSON for scripts (--json), aligned columns for people. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/**
 * Cells carry other people's text (reasons, incidents, names from the IdP). A control character
 * (C0, DEL, C1) in one would be run by the terminal (erase a line, move the cursor, redraw a row),
 * so it is shown as `\xNN` instead.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const visible = (cell: string) =>
  cell.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Columns padded to their widest cell; an empty list prints `empty` on stderr instead. */
export function printTable(rows: string[][], header: string[], empty: string): void {
  if (rows.length === 0) {
    process.stderr.write(`${empty}\n`);
    return;
  }
  const all = [header, ...rows].map((row) => row.map(visible));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  for (const row of all)
    process.stdout.write(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd() + '\n',
    );
}

/** Minutes left until `iso`, for people ("12m left"). */
export function timeLeft(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (ms <= 0) return 'ended';
  const minutes = Math.ceil(ms / 60_000);
  return minutes >= 120 ? `${Math.floor(minutes / 60)}h left` : `${minutes}m left`;
}
