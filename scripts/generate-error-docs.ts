/**
 * Writes the error-code table of docs/api.md from proxy/shared/error-codes.ts
 * (`npm run docs:errors`): every code with each status it is sent with and what it means, by
 * status. Only the part between the two markers is generated; the rest of the page is written by
 * hand. The page goes through Prettier, as `npm run lint` checks it. A unit test fails when the
 * committed page differs from what this renders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { errorRows } from '../proxy/shared/error-codes.js';

export const API_DOCS_PATH = fileURLToPath(new URL('../docs/api.md', import.meta.url));

export const BEGIN =
  '<!-- error codes: generated from proxy/shared/error-codes.ts by `npm run docs:errors` -->';
export const END = '<!-- end of error codes -->';

/** Table cells: a pipe would end the cell. */
const cell = (text: string) => text.replaceAll('|', '\\|');

export function errorTable(): string {
  const rows = errorRows().map(
    (row) => `| ${row.status} | \`${row.code}\` | ${cell(row.meaning)} |`,
  );
  return ['| status | code | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `page` with its generated part rendered anew, formatted as the repository formats Markdown. */
export async function renderApiDocs(page: string): Promise<string> {
  const start = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/api.md lacks the markers ${BEGIN} … ${END}`);
  const next = `${page.slice(0, start)}${BEGIN}\n\n${errorTable()}\n\n${page.slice(end)}`;
  const options = (await resolveConfig(API_DOCS_PATH)) ?? {};
  return format(next, { ...options, filepath: API_DOCS_PATH });
}

// Run as a script (not when the test imports it).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(API_DOCS_PATH, await renderApiDocs(readFileSync(API_DOCS_PATH, 'utf8')));
  console.log(`wrote ${API_DOCS_PATH}`);
}
