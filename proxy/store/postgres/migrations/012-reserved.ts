/**
 * Version 012 belongs to the saml branch (SAML requests, used assertions), which has not merged yet; migration numbers
 * are fixed across branches so that none collide. This placeholder keeps 014 at its number and
 * does nothing; the saml migration replaces it when that branch merges (no release has shipped
 * with it).
 */
export const RESERVED_012 = 'SELECT 1;';
