/** Reading typed values out of SQLite rows. */
import type { SqlRow } from './database.js';

export const text = (row: SqlRow, key: string): string => String(row[key]);
export const optionalText = (row: SqlRow, key: string): string | null =>
  row[key] === null || row[key] === undefined ? null : String(row[key]);
export const int = (row: SqlRow, key: string): number => Number(row[key]);
export const optionalInt = (row: SqlRow, key: string): number | null =>
  row[key] === null || row[key] === undefined ? null : Number(row[key]);
