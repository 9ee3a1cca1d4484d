/**
 * Validation at the API's edge: every body and query goes through a zod schema, and the first
 * problem comes back as 400 `invalid_body` (or `invalid_query`) naming the field.
 */
import { z } from 'zod';
import { badRequest } from '../shared/errors.js';
import type { CodeWithStatus } from '../shared/error-codes.js';
import { parseDuration } from '../shared/duration.js';
import { hasLoneSurrogate } from '../shared/lone-surrogate.js';

function check<T>(
  schema: z.ZodType<T>,
  value: unknown,
  code: 'invalid_body' | 'invalid_query',
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const field = first?.path.map(String).join('.') || what;
  throw badRequest(code, `${field}: ${first?.message ?? 'invalid'}`);
}

/** A missing body (no content) reads as `{}`, so routes without fields accept an empty POST. */
export const parseBody = <T>(schema: z.ZodType<T>, body: unknown): T =>
  check(schema, body ?? {}, 'invalid_body', 'body');

export const parseQuery = <T>(schema: z.ZodType<T>, query: unknown): T =>
  check(schema, query ?? {}, 'invalid_query', 'query');

/** "30m", "1h30m" → milliseconds, at least one second and at most `maxMs`. */
export const durationText = (maxMs: number) =>
  z
    .string()
    .max(32)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms < 1000) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as "30m" or "1h30m"' });
        return z.NEVER;
      }
      if (ms > maxMs) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${maxMs / 3_600_000}h` });
        return z.NEVER;
      }
      return ms;
    });

/** An ISO 8601 date-time with a zone → epoch ms. */
export const isoTime = z
  .string()
  .max(64)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'must be an ISO 8601 time with a zone, e.g. 2030-01-31T09:00:00Z',
  })
  .transform((text, ctx) => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date and time' });
      return z.NEVER;
    }
    return ms;
  });

/**
 * Free text people type (reasons, comments, labels): trimmed, bounded, empty = not given. A lone
 * UTF-16 surrogate (JSON `"\ud800"`) has no UTF-8 form, so the stores and the audit log could not
 * keep the text as sent: it is refused here, as the input it is.
 */
export const freeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !hasLoneSurrogate(text), {
      message: 'is not valid Unicode (a lone surrogate)',
    })
    .transform((text) => (text.trim() === '' ? null : text.trim()));

/** Route ids (`req_…`, `grt_…`), checked before any store lookup; `code` names the kind. */
export function parseId(
  prefix: 'req' | 'grt',
  value: unknown,
  code: CodeWithStatus<400> & `invalid_${string}_id`,
): string {
  if (typeof value === 'string' && new RegExp(`^${prefix}_[A-Za-z0-9_-]{8,64}$`).test(value))
    return value;
  throw badRequest(code, `not a ${prefix}_… id`);
}
