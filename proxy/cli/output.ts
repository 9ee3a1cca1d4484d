/**
 * How commands print: JSON for scripts (--json), aligned columns for people, CSV as the server
 * made it. What they print carries other people's text (reasons, incidents, names from the IdP).
 * A control character (C0, DEL, C1) in it would be run by the terminal (erase a line, move the
 * cursor, redraw a row), so none reaches the terminal as itself.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');
/** A cell shows a control character as `\xNN`. */
export const visible = (cell: string) => cell.replace(CONTROL, (c) => `\\x${hex(c)}`);

/** JSON escapes C0 itself but leaves DEL and C1 raw: they become `\u00NN` (the same value). */
export const escapedJson = (json: string): string =>
  json.replace(/[\u007f-\u009f]/g, (c) => `\\u00${hex(c)}`);

export const jsonText = (value: unknown, indent?: number): string =>
  escapedJson(JSON.stringify(value, null, indent));

export function printJson(value: unknown): void {
  process.stdout.write(jsonText(value, 2) + '\n');
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
const CONTROL_BUT_LINE_BREAKS = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * A message for the terminal (stderr lines, the error a command ends with): it quotes the server
 * and other people (a denial comment, policy reasons, a session's end), so every control
 * character but line breaks and tabs shows as `\xNN`.
 */
export const terminalText = (text: string): string =>
  text.replace(CONTROL_BUT_LINE_BREAKS, (c) => `\\x${hex(c)}`);

/** One line to stderr, as terminalText shows it. */
export function say(line: string): void {
  process.stderr.write(terminalText(line) + '\n');
}

/**
 * The server's CSV, byte for byte into a file or a pipe (every client exports the same file); on
 * a terminal, line breaks and tabs stay and every other control character shows as `\xNN`.
 */
export function printCsv(csv: string, toTerminal = process.stdout.isTTY === true): void {
  const text = toTerminal ? terminalText(csv) : csv;
  process.stdout.write(text);
}

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
