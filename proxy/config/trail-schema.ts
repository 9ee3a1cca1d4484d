/**
 * Per-resource settings of the web session trail (`resources[].trail`). Built-in redaction names
 * always apply: configuration can add names, never un-redact a well-known secret.
 */
import { z } from 'zod';
import { SECRET_WORDS } from '../../recorder/trail/redact-query.js';

/** Query parameters that carry credentials in common apps and protocols (OAuth, S3, API keys). */
export const BUILTIN_REDACT_QUERY = [
  'access_token',
  'api_key',
  'apikey',
  'client_secret',
  'code',
  'id_token',
  'jsessionid',
  'key',
  'password',
  'phpsessid',
  'refresh_token',
  'secret',
  'sig',
  'signature',
  'token',
  'x-amz-credential',
  'x-amz-security-token',
  'x-amz-signature',
] as const;

/** Body fields that carry credentials in common apps. */
export const BUILTIN_REDACT_FIELDS = [
  'access_token',
  'api_key',
  'apikey',
  'authorization',
  'client_secret',
  'cookie',
  'id_token',
  'otp',
  'passwd',
  'password',
  'private_key',
  'refresh_token',
  'secret',
  'token',
] as const;

const names = (builtin: readonly string[]) =>
  z
    .array(z.string().min(1).max(100))
    .max(200)
    .default([])
    .transform((extra) => [...new Set([...builtin, ...extra.map((n) => n.toLowerCase())])]);

export const trailSchema = z
  .object({
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe('Trail rows older than this many days are deleted (checked hourly).'),
    redactQuery: names(BUILTIN_REDACT_QUERY).describe(
      `More query parameter names (any case; also inside a nested name such as user[password] or session.token) stored as REDACTED. Always redacted: ${BUILTIN_REDACT_QUERY.join(', ')}, and every name that contains ${SECRET_WORDS.join(', ')}.`,
    ),
    storeBodies: z
      .boolean()
      .default(false)
      .describe('Store request bodies of POST, PUT, PATCH and DELETE (JSON and form bodies only).'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1)
      .max(1_048_576)
      .default(16_384)
      .describe('Most body bytes kept per request; a longer body is recorded by size only.'),
    redactFields: names(BUILTIN_REDACT_FIELDS).describe(
      `More body field names (any case, any depth; in form bodies also inside a nested name such as user[password]) stored as REDACTED. Always redacted: ${BUILTIN_REDACT_FIELDS.join(', ')}, and every name that contains ${SECRET_WORDS.join(', ')}.`,
    ),
  })
  .strict();

export type TrailConfig = z.output<typeof trailSchema>;
