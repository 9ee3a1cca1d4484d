/**
 * Whether a request target's path holds a dot-segment (`.` or `..`), in any spelling an app
 * server might resolve: `.` or `%2e` (any case) for each dot; `/`, `\`, `%2f` or `%5c` between
 * segments (Windows servers and some frameworks decode or swap these before resolving); and a
 * segment that is a dot-segment up to a `;` (Tomcat drops path parameters first: `/..;/`).
 *
 * The gateway prefixes the upstream URL's path (the resource's base path) to every request, so
 * a `..` left in would let the app resolve it outside that prefix. Browsers resolve dot-segments
 * before they send a URL, so refusing them costs real clients nothing, and refusing is simpler to
 * trust than rewriting a path the app would then read differently again.
 *
 * One pass over the path, no allocation: this runs on every app request and WebSocket upgrade.
 * The query and fragment are not looked at (`?a=../b` is data).
 */

export const DOT_SEGMENT_MESSAGE = 'the path has a "." or ".." segment; send the resolved path';

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const PERCENT = 0x25;
const SEMICOLON = 0x3b;
const QUESTION = 0x3f;
const HASH = 0x23;

/** `%xx` at `i` → the byte it encodes, or -1 when it is not a complete escape. */
function escapedByte(url: string, i: number): number {
  const hi = hexValue(url.charCodeAt(i + 1));
  const lo = hexValue(url.charCodeAt(i + 2));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

export function hasDotSegment(url: string): boolean {
  // Dots seen in the current segment so far; -1 once it holds anything else (it cannot be one).
  let dots = 0;
  for (let i = 0; i < url.length; i++) {
    let code = url.charCodeAt(i);
    if (code === QUESTION || code === HASH) break;
    if (code === PERCENT) {
      const byte = escapedByte(url, i);
      if (byte === DOT || byte === SLASH || byte === BACKSLASH) {
        code = byte;
        i += 2;
      }
    }
    if (code === SLASH || code === BACKSLASH) {
      if (dots > 0) return true;
      dots = 0;
    } else if (code === DOT) {
      if (dots >= 0) dots = dots === 2 ? -1 : dots + 1;
    } else if (code === SEMICOLON) {
      if (dots > 0) return true;
      dots = -1;
    } else dots = -1;
  }
  return dots > 0;
}
