/**
 * Version 013 belongs to the zsp branch (SSH certificates and their revocations), which has not merged yet; migration numbers
 * are fixed across branches so that none collide. This placeholder keeps 014 at its number and
 * does nothing; the zsp migration replaces it when that branch merges (no release has shipped
 * with it).
 */
export const RESERVED_013 = 'SELECT 1;';
