/**
 * Keys every kind of identity provider has (OIDC and SAML): who the IdP is, what kind of people
 * it signs in, and how its groups become jitgate groups. Each protocol's schema spreads these
 * into its own object, so the groups and kinds of a SAML login mean what an OIDC login's do.
 */
import { z } from 'zod';
import { slug } from './primitives.js';

export const idpIdentityKeys = {
  id: slug.describe('Stable id, part of every user id from this IdP.'),
  name: z.string().min(1).optional().describe('Label on the login page.'),
  kind: z
    .enum(['person', 'vendor'])
    .default('person')
    .describe('Identity kind policies see for people from this IdP.'),
};

export const idpGroupKeys = {
  groupMap: z
    .record(z.string(), z.array(slug))
    .default({})
    .describe('IdP group → jitgate groups. Unmapped groups are dropped unless passUnmappedGroups.'),
  passUnmappedGroups: z
    .boolean()
    .default(false)
    .describe('Keep IdP groups that groupMap does not name, under their own name.'),
};

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a superRefine over an IdP's own keys may report. */
export interface IdpIssues {
  addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void;
}

/** An http:// URL, which only development may use (URL schemes are case-insensitive). */
export const isPlainHttp = (value: unknown): boolean =>
  typeof value === 'string' && /^http:/i.test(value);
