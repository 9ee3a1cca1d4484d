/**
 * Building blocks every config section uses: ids, URLs, header names, durations. In their own
 * module so section schemas (ssh, credentials, trail…) share them without importing schema.ts,
 * which imports them.
 */
import { z } from 'zod';
import { parseDuration } from '../shared/duration.js';

// Exported so the docs generator can name these patterns instead of printing the regexes.
export const SLUG = /^[a-z][a-z0-9-]{0,62}$/;
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const slug = z
  .string()
  .regex(SLUG, 'must be a lowercase slug (a-z, 0-9, -), starting with a letter');

export const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    // "http://:secret@host" has an empty username but still carries a credential.
    const credentials = url.username !== '' || url.password !== '';
    return (url.protocol === 'http:' || url.protocol === 'https:') && !credentials;
  } catch {
    return false;
  }
}, 'must be an http(s) URL without credentials');

export const DURATION_HINT = 'must be a duration such as "90s", "30m", "8h", "1h30m"';

/** A duration such as "30m" or "1h30m"; parsed to milliseconds. */
export const duration = z
  // YAML reads `maxDuration: 30` as a number: say what a duration looks like, not "not a string".
  .string({ error: DURATION_HINT })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: DURATION_HINT });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ format: 'duration' });
