/**
 * Where a person's identity comes from, in words: "via corp", "vendor via vendors". Usernames,
 * emails and names are whatever an IdP sent (a vendor's IdP may send staff's); the IdP id and the
 * kind are jitgate's own (config), so wherever someone decides about a person, this goes beside
 * the name. The portal and the CLI say it alike (the extension, which shares no code, in its own
 * views.ts).
 */
export interface IdentitySource {
  idp: string;
  kind: string;
}

export const identityOrigin = (who: IdentitySource): string =>
  who.kind === 'person' ? `via ${who.idp}` : `${who.kind} via ${who.idp}`;

/** "alice (vendor via vendors)": a username as someone deciding about the person should read it. */
export const nameWithOrigin = (who: IdentitySource & { username: string }): string =>
  `${who.username} (${identityOrigin(who)})`;
