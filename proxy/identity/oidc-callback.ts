/**
 * Where an OIDC identity provider sends its answer: a path of its own, `/auth/callback/<id>`,
 * registered at that IdP and nowhere else. With one callback shared by every IdP, an IdP a person
 * was lured to (a vendor's, say) could pass them on to the staff IdP with their login's `state`:
 * the staff IdP's code would come back as the answer to the vendor login, and jitgate would hand
 * it to the vendor's token endpoint, for the vendor to redeem in its own login as that person
 * (the OAuth mix-up attack, RFC 9700 §4.4). RFC 9207's `iss` parameter would tell the answers
 * apart too, but Entra ID and Google do not send it; a path of its own works with every IdP.
 */
export const OIDC_CALLBACK_PATH = '/auth/callback';

/** The redirect URI of the OIDC IdP `idpId` at the jitgate whose public origin is `origin`. */
export const oidcCallbackUrl = (origin: string, idpId: string): string =>
  `${origin}${OIDC_CALLBACK_PATH}/${encodeURIComponent(idpId)}`;
