/**
 * Version 011 belongs to the signin branch (one-time codes, session tombstones), which has not merged yet; migration numbers
 * are fixed across branches so that none collide. This placeholder keeps 014 at its number and
 * does nothing; the signin migration replaces it when that branch merges (no release has shipped
 * with it).
 */
export const RESERVED_011 = 'SELECT 1;';
