/**
 * Reading asciicast v2: a strict parser that names the first bad line, used by playback, search,
 * verification tools and tests. Recordings are validated here, at the edge, before anyone
 * trusts their content.
 */
import { CAST_CODES, type CastCode, type CastEvent, type CastHeader } from './format.js';

export class CastParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CastParseError';
  }
}

export interface ParsedCast {
  header: CastHeader;
  events: CastEvent[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseHeader(line: string): CastHeader {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CastParseError(1, 'the header is not JSON');
  }
  if (!isRecord(value) || value.version !== 2)
    throw new CastParseError(1, 'the header must be an object with "version": 2');
  const { width, height, timestamp } = value;
  if (!Number.isInteger(width) || !Number.isInteger(height) || Number(width) < 1)
    throw new CastParseError(1, 'the header needs integer width and height');
  if (timestamp !== undefined && typeof timestamp !== 'number')
    throw new CastParseError(1, 'timestamp must be a number');
  return value as unknown as CastHeader;
}

export function parseEvent(line: string, number: number, previous: number): CastEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CastParseError(number, 'the event is not JSON');
  }
  if (!Array.isArray(value) || value.length !== 3)
    throw new CastParseError(number, 'an event is [time, code, data]');
  const [time, code, data] = value as unknown[];
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0)
    throw new CastParseError(number, 'the time must be a non-negative number');
  if (time < previous) throw new CastParseError(number, 'times must not go backwards');
  if (typeof code !== 'string' || !CAST_CODES.includes(code as CastCode))
    throw new CastParseError(number, `unknown event code ${JSON.stringify(code)}`);
  if (typeof data !== 'string') throw new CastParseError(number, 'the data must be a string');
  return [time, code as CastCode, data];
}

/** Parses a whole recording; blank lines are allowed (asciinema allows them too). */
export function parseCast(text: string): ParsedCast {
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  if (first.trim() === '') throw new CastParseError(1, 'the file is empty');
  const header = parseHeader(first);
  const events: CastEvent[] = [];
  let previous = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const event = parseEvent(line, i + 1, previous);
    previous = event[0];
    events.push(event);
  }
  return { header, events };
}

/** The concatenated output up to `time` is what a viewer saw; search runs over output events. */
export function outputText(events: readonly CastEvent[]): string {
  return events
    .filter((event) => event[1] === 'o')
    .map((event) => event[2])
    .join('');
}
