/**
 * The one reading of a Cookie header (RFC 6265 §4.2.1, §5.4): cookie-pairs separated by ";",
 * spaces and tabs around a pair, its name and its value not part of them. Nothing else separates
 * pairs: a space or a comma inside a pair is part of its value, so `pref=a jitgate_x=v` is one
 * cookie named `pref`. The gateway reads its cookie with it (readCookie) and the upstream filter
 * drops jitgate's cookies with it (upstream-headers.ts): both must see the same pairs, or a
 * cookie the gateway accepts could reach the app inside another one.
 */
import type { IncomingMessage } from 'node:http';

/** One cookie-pair's place in a header; filled in by nextCookie, reused to avoid allocation. */
export interface CookieSpan {
  /** Where the pair's text (spaces trimmed) starts and ends. */
  start: number;
  end: number;
  /** The name's end: the "=" (spaces before it trimmed), or `end` for a pair without "=". */
  nameEnd: number;
  /** Where the value starts (spaces trimmed); -1 for a pair without "=". */
  valueStart: number;
  /** Where the pair's ";" (or the header's end) is: the next pair starts after it. */
  next: number;
}

export const newCookieSpan = (): CookieSpan => ({
  start: 0,
  end: 0,
  nameEnd: 0,
  valueStart: -1,
  next: 0,
});

const isSpace = (code: number) => code === 0x20 || code === 0x09;

/**
 * Reads the pair that starts at `from` (right after a ";", or 0) into `span`. Returns false once
 * `from` is past the header's end. An empty pair (";;") reads as start === end.
 */
export function nextCookie(header: string, from: number, span: CookieSpan): boolean {
  if (from > header.length) return false;
  const semicolon = header.indexOf(';', from);
  const next = semicolon === -1 ? header.length : semicolon;
  let start = from;
  let end = next;
  while (start < end && isSpace(header.charCodeAt(start))) start++;
  while (end > start && isSpace(header.charCodeAt(end - 1))) end--;
  const equals = header.indexOf('=', start);
  span.start = start;
  span.end = end;
  span.next = next;
  if (equals === -1 || equals >= end) {
    span.nameEnd = end;
    span.valueStart = -1;
    return true;
  }
  let nameEnd = equals;
  while (nameEnd > start && isSpace(header.charCodeAt(nameEnd - 1))) nameEnd--;
  let valueStart = equals + 1;
  while (valueStart < end && isSpace(header.charCodeAt(valueStart))) valueStart++;
  span.nameEnd = nameEnd;
  span.valueStart = valueStart;
  return true;
}

/**
 * Finds one cookie by exact name (this runs on every request: names are compared in place, only
 * the value found is sliced out). The first pair of that name wins.
 */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const span = newCookieSpan();
  for (let from = 0; nextCookie(header, from, span); from = span.next + 1) {
    if (
      span.valueStart !== -1 &&
      span.nameEnd - span.start === name.length &&
      header.startsWith(name, span.start)
    )
      return header.slice(span.valueStart, span.end);
  }
  return undefined;
}

/**
 * The name a browser files a Set-Cookie line under (RFC 6265bis §5.6): the text before the first
 * "=" of its name-value pair, trimmed; a line whose name is empty (`=x=v`, or no "=" at all) is a
 * nameless cookie, which the browser sends back as its bare value (`x=v`), so that value's own
 * name-part is what it will pass for.
 */
export function setCookieName(line: string): string {
  const semicolon = line.indexOf(';');
  const pair = semicolon === -1 ? line : line.slice(0, semicolon);
  const equals = pair.indexOf('=');
  const name = equals === -1 ? '' : pair.slice(0, equals).trim();
  if (name !== '') return name;
  const value = (equals === -1 ? pair : pair.slice(equals + 1)).trim();
  const inner = value.indexOf('=');
  return (inner === -1 ? value : value.slice(0, inner)).trim();
}
