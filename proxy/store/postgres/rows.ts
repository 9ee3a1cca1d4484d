/** Reading typed values out of PostgreSQL rows (BIGINT and count() arrive as strings). */
import type { PgRow } from '../../shared/pg-driver.js';

const present = (row: PgRow, key: string) => row[key] !== null && row[key] !== undefined;

export const text = (row: PgRow, key: string): string => String(row[key]);
export const optionalText = (row: PgRow, key: string): string | null =>
  present(row, key) ? text(row, key) : null;
export const int = (row: PgRow, key: string): number => Number(row[key]);
export const optionalInt = (row: PgRow, key: string): number | null =>
  present(row, key) ? int(row, key) : null;
/** A bytea column (pg hands it over as a Buffer). */
export const bytes = (row: PgRow, key: string): Buffer => {
  const value = row[key];
  if (!Buffer.isBuffer(value)) throw new TypeError(`column ${key} is not bytea`);
  return value;
};
