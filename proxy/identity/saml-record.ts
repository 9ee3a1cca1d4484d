/**
 * What SAML logins keep in the store, and the repository contract every store backend
 * implements. Both are one-time things several replicas must agree on, so neither lives in one
 * process's memory:
 *
 * - the AuthnRequests a browser started, so an answer is accepted only in the browser that asked
 *   for it (the browser holds a random value in a cookie; the store holds only its hash), once;
 * - the IDs of assertions already used, until they expire, so no assertion signs anyone in twice.
 */
export interface SamlRequestRecord {
  /** The AuthnRequest's ID, which the IdP's answer names in InResponseTo. */
  id: string;
  /** The identity provider it was sent to. */
  idp: string;
  /** SHA-256 (hex) of the browser's random value; the value itself is only in its cookie. */
  browserHash: string;
  /** Where the browser goes after the login (already checked against the redirect policy). */
  returnTo: string;
  /** Epoch ms after which the request is no longer answered. */
  expiresAt: number;
}

export interface SamlRepository {
  insertRequest(request: SamlRequestRecord): Promise<void>;
  /**
   * Deletes and returns the request `id` of `idp` that the browser with `browserHash` started,
   * when it has not expired at `now`. Atomic: of two concurrent takes, at most one gets it.
   */
  takeRequest(
    id: string,
    idp: string,
    browserHash: string,
    now: number,
  ): Promise<SamlRequestRecord | undefined>;
  /**
   * Remembers an assertion `key` until `expiresAt`. True the first time; false when the key is
   * already remembered (a replay), even if its time has passed but it was not purged yet.
   * Atomic: of two concurrent calls with one key, exactly one gets true.
   */
  rememberAssertion(key: string, expiresAt: number): Promise<boolean>;
  /** Forgets requests and assertions whose expiry is at or before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
