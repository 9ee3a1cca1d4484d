/**
 * A SAML 2.0 login with one IdP, SP-initiated Web Browser SSO: jitgate redirects the browser to
 * the IdP with an AuthnRequest (HTTP-Redirect), the IdP posts its answer to the assertion
 * consumer service (HTTP-POST). The answer signs someone in only when, in this order:
 *
 *  1. its outline is sound: no DTD, one assertion, signatures on their own parents, no repeated
 *     IDs, plain-text NameIDs, the signatures the config requires, addressed to this ACS
 *     (saml-xml.ts, saml-checks.ts);
 *  2. node-saml verifies the signatures against the IdP's certificates and the Conditions
 *     (time window, audience) and hands back the signed assertion (saml-sp.ts);
 *  3. that assertion comes from this IdP, has a bearer confirmation for this ACS that holds now
 *     (saml-checks.ts);
 *  4. its ID was never used, on any replica (the store remembers it until it expires);
 *  5. it answers an AuthnRequest that this browser started, which is then used up (the store
 *     keeps the request with the hash of a random value only this browser's cookie holds), or it
 *     is IdP-initiated and the IdP may do that.
 *
 * Then the person is signed in exactly as after an OIDC login (login-finish.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { SamlIdentityProviderConfig } from '../config/schema.js';
import { readCookie } from '../shared/cookies.js';
import { finishLogin, refuseLogin, type LoginFinishDeps } from './login-finish.js';
import type { SamlLoginProvider } from './login-routes.js';
import { safeRedirect, type RedirectPolicy } from './redirect.js';
import {
  checkAssertion,
  checkOutline,
  type CheckedAssertion,
  type SamlExpectations,
} from './saml-checks.js';
import type { IdpFacts, IdpFactsSource } from './saml-idp-facts.js';
import type { SamlRepository } from './saml-record.js';
import { samlRefusal } from './saml-refusals.js';
import {
  authnRequestUrl,
  serviceProviderMetadata,
  verifyResponse,
  type SamlPeer,
} from './saml-sp.js';
import type { SamlSigningKey } from './saml-sp-key.js';
import { userFromAssertion, type SamlLoginIdentity } from './saml-user.js';
import { outlineResponse, type ResponseOutline } from './saml-xml.js';

/** How long an AuthnRequest waits for its answer (the person may have to type a password). */
export const SAML_REQUEST_TTL_MS = 10 * 60_000;
/** The browser's random value: 32 bytes, base64url. */
const BROWSER_VALUE = /^[A-Za-z0-9_-]{43}$/;
const BASE64 = /^[A-Za-z0-9+/=\r\n]+$/;
/** Where the browser cookie is sent: the assertion consumers of every SAML IdP. */
// `/`: a `__Host-` cookie (cookie-names.ts) must say so.
export const SAML_COOKIE_PATH = '/';

export interface SamlLoginDeps extends LoginFinishDeps {
  idp: SamlIdentityProviderConfig;
  portalOrigin: string;
  facts: IdpFactsSource;
  /** jitgate's SAML key; its certificate goes into the metadata, AuthnRequests are signed with it. */
  signing: SamlSigningKey;
  store: SamlRepository;
  redirects: RedirectPolicy;
  /** The cookie that ties a login to the browser that started it. */
  browserCookie: { name: string; secure: boolean };
}

/** jitgate's URLs for one SAML IdP: its SP metadata (also the default entity ID) and its ACS. */
export function samlSpUrls(portalOrigin: string, idpId: string) {
  const base = `${portalOrigin}/auth/saml/${idpId}`;
  return { metadataUrl: `${base}/metadata`, acsUrl: `${base}/acs` };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const formField = (req: Request, name: string): string | undefined => {
  const body: unknown = req.body;
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
};

export class SamlLogin implements SamlLoginProvider {
  readonly config: SamlIdentityProviderConfig;
  readonly acsUrl: string;
  readonly metadataUrl: string;
  readonly spEntityId: string;

  constructor(private readonly deps: SamlLoginDeps) {
    this.config = deps.idp;
    ({ acsUrl: this.acsUrl, metadataUrl: this.metadataUrl } = samlSpUrls(
      deps.portalOrigin,
      deps.idp.id,
    ));
    this.spEntityId = deps.idp.spEntityId ?? this.metadataUrl;
  }

  private spSide(): Omit<SamlPeer, 'idp'> {
    return {
      spEntityId: this.spEntityId,
      acsUrl: this.acsUrl,
      signing: this.config.signAuthnRequests ? this.deps.signing : undefined,
      wantAssertionsSigned: this.config.wantAssertionsSigned,
      wantResponseSigned: this.config.wantResponseSigned,
      clockSkewMs: this.config.clockSkew,
      nameIdFormat: this.config.nameIdFormat,
    };
  }

  /** jitgate's SP metadata for this IdP; the certificate is there even when requests go unsigned. */
  metadata(): string {
    return serviceProviderMetadata({ ...this.spSide(), signing: this.deps.signing });
  }

  /** SP-initiated login: remembers the request for this browser, then sends it to the IdP. */
  async start(req: Request, res: Response, returnTo: string): Promise<void> {
    const facts = await this.deps.facts.get();
    const requestId = `_${randomBytes(20).toString('hex')}`;
    // One value per browser, kept across its logins: two tabs signing in at once both work.
    const browser = this.browserValue(req) ?? randomBytes(32).toString('base64url');
    await this.deps.store.insertRequest({
      id: requestId,
      idp: this.config.id,
      browserHash: sha256(browser),
      returnTo,
      expiresAt: this.deps.now() + SAML_REQUEST_TTL_MS,
    });
    const url = await authnRequestUrl({ ...this.spSide(), idp: facts }, requestId);
    const { name, secure } = this.deps.browserCookie;
    // The IdP posts back cross-site: only SameSite=None (which needs Secure) lets the cookie
    // come along. On plain http the IdP must be on the same site (the demo's is).
    res.cookie(name, browser, {
      httpOnly: true,
      secure,
      sameSite: secure ? 'none' : 'lax',
      path: SAML_COOKIE_PATH,
      maxAge: SAML_REQUEST_TTL_MS,
    });
    res.redirect(302, url);
  }

  /** The assertion consumer: signs the person in, or refuses the answer (audited, with why). */
  async consume(req: Request, res: Response): Promise<void> {
    let login: SamlLoginIdentity & { returnTo: string };
    try {
      login = await this.verify(req);
    } catch (error) {
      return refuseLogin(this.deps, req, this.config.id, error);
    }
    const next = await finishLogin(this.deps, req, { ...login, idp: this.config });
    res.redirect(303, next);
  }

  private async verify(req: Request): Promise<SamlLoginIdentity & { returnTo: string }> {
    const samlResponse = formField(req, 'SAMLResponse');
    if (!samlResponse || !BASE64.test(samlResponse)) {
      throw samlRefusal('saml_malformed', 'no SAMLResponse');
    }
    const outline = outlineResponse(Buffer.from(samlResponse, 'base64').toString('utf8'));
    const facts = await this.deps.facts.get();
    const expect = this.expectations(facts);
    checkOutline(outline, expect);
    // A response that carries a signature must verify, required or not: solicitation() reads
    // the response's InResponseTo as signed when it is, and node-saml would otherwise pass over
    // a bad response signature to the assertion's.
    const wantResponseSigned = this.config.wantResponseSigned || outline.responseSigned;
    const peer = { ...this.spSide(), wantResponseSigned, idp: facts };
    const signed = await verifyResponse(peer, samlResponse);
    const now = this.deps.now();
    const checked = checkAssertion(signed, expect, now);
    const fresh = await this.deps.store.rememberAssertion(
      `${this.config.id}:${checked.id}`,
      checked.usableUntil,
    );
    if (!fresh) throw samlRefusal('saml_replayed', undefined);
    const returnTo = await this.solicitation(req, outline, checked);
    return { ...userFromAssertion(this.config, signed, checked.nameId, now), returnTo };
  }

  private expectations(facts: IdpFacts): SamlExpectations {
    return {
      idpEntityId: facts.entityId,
      acsUrl: this.acsUrl,
      wantAssertionsSigned: this.config.wantAssertionsSigned,
      wantResponseSigned: this.config.wantResponseSigned,
      clockSkewMs: this.config.clockSkew,
    };
  }

  /**
   * Which login this answer belongs to, used up: returns where the browser goes next. The signed
   * confirmation names the request (or, when the whole response is signed, the response does).
   */
  private async solicitation(
    req: Request,
    outline: ResponseOutline,
    checked: CheckedAssertion,
  ): Promise<string> {
    const requestId =
      checked.inResponseTo ?? (outline.responseSigned ? outline.inResponseTo : null);
    if (requestId !== null && outline.inResponseTo !== null && outline.inResponseTo !== requestId) {
      throw samlRefusal('saml_unknown_request', 'InResponseTo differs');
    }
    if (requestId === null) {
      if (!this.config.allowIdpInitiated) throw samlRefusal('saml_unsolicited', undefined);
      // Only a portal path or an app jitgate fronts: RelayState is the IdP's (or anyone's) word.
      return safeRedirect(formField(req, 'RelayState'), this.deps.redirects);
    }
    const browser = this.browserValue(req);
    const request = browser
      ? await this.deps.store.takeRequest(
          requestId,
          this.config.id,
          sha256(browser),
          this.deps.now(),
        )
      : undefined;
    if (!request) throw samlRefusal('saml_unknown_request', undefined);
    return request.returnTo;
  }

  private browserValue(req: Request): string | undefined {
    const value = readCookie(req, this.deps.browserCookie.name);
    return value !== undefined && BROWSER_VALUE.test(value) ? value : undefined;
  }
}
