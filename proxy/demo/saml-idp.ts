/**
 * The demo's SAML 2.0 identity provider, for one service provider (jitgate): metadata at
 * `/metadata`, single sign-on at `/sso` (HTTP-Redirect binding in), a login form, and a signed
 * answer posted to the SP's ACS (HTTP-POST binding out). It signs the assertion and the response
 * with its own RSA key, made at every start.
 *
 * Demo code, but a correct IdP in what matters: it answers only the SP it knows, only at that
 * SP's registered ACS (never at a URL the request names), with the request's ID as InResponseTo,
 * a bearer confirmation and an audience restriction, valid for five minutes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inflateRawSync } from 'node:zlib';
import { selfSignedCertificate } from '../identity/self-signed-cert.js';
import { outlineAuthnRequest } from '../identity/saml-xml.js';
import type { DemoUser, IdpLog } from './idp.js';
import { escapeHtml, page, passwordMatches, readForm, sendPage } from './idp-interactions.js';
import { samlResponseXml, xmlEscape } from './saml-response.js';
import { signSamlResponse, type SigningKey } from './saml-signer.js';

export interface DemoSamlIdpOptions {
  /** Where the IdP is mounted, e.g. `http://localhost:8080/saml-idp`; its entity ID is `<baseUrl>/metadata`. */
  baseUrl: string;
  users: readonly DemoUser[];
  /** The one service provider it serves. */
  sp: { entityId: string; acsUrl: string };
  log?: IdpLog;
}

export interface DemoSamlIdp {
  /** Node request handler to mount at the base URL's path (Express strips the prefix). */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  entityId: string;
  metadataUrl: string;
  ssoUrl: string;
  certificatePem: string;
}

const TITLE = 'Demo SAML IdP';
const ANSWER_LIFETIME_MS = 5 * 60_000;
const MAX_REQUEST_BYTES = 64 * 1024;
/** xs:ID as jitgate (and most SPs) write them. */
const REQUEST_ID = /^[A-Za-z_][A-Za-z0-9_.-]{0,255}$/;
/** SAML bindings 3.4.3: RelayState is at most 80 bytes. */
const MAX_RELAY_STATE = 80;

function demoSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: selfSignedCertificate(privateKey, publicKey, {
      commonName: TITLE,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 365 * 86_400_000),
    }),
  };
}

const certificateBase64 = (pem: string) =>
  pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

export function createDemoSamlIdp(options: DemoSamlIdpOptions): DemoSamlIdp {
  const log = options.log ?? (() => undefined);
  const key = demoSigningKey();
  const entityId = `${options.baseUrl}/metadata`;
  const ssoUrl = `${options.baseUrl}/sso`;
  const loginPath = `${new URL(options.baseUrl).pathname}/login`;
  const users = new Map(options.users.map((user) => [user.username, user]));

  const metadata =
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${xmlEscape(entityId)}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBase64(key.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${xmlEscape(ssoUrl)}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`;

  const error = (res: ServerResponse, status: number, text: string) =>
    sendPage(res, status, TITLE, `<h1>${TITLE}</h1><p>${escapeHtml(text)}</p>`);

  /** The login form for a request this IdP will answer. */
  function sso(res: ServerResponse, query: URLSearchParams): void {
    const encoded = query.get('SAMLRequest') ?? '';
    let xml: string;
    try {
      xml = inflateRawSync(Buffer.from(encoded, 'base64'), {
        maxOutputLength: MAX_REQUEST_BYTES,
      }).toString('utf8');
    } catch {
      return error(res, 400, 'This is not a SAML request.');
    }
    const request = outlineAuthnRequest(xml);
    if (!request || !REQUEST_ID.test(request.id))
      return error(res, 400, 'This is not a SAML request.');
    if (request.issuer !== options.sp.entityId) {
      return error(res, 403, 'This service provider is not registered here.');
    }
    if (request.acsUrl !== null && request.acsUrl !== options.sp.acsUrl) {
      return error(res, 403, 'The request asks for an answer at a URL this IdP does not know.');
    }
    const relayState = query.get('RelayState') ?? '';
    if (Buffer.byteLength(relayState) > MAX_RELAY_STATE)
      return error(res, 400, 'RelayState is too long.');
    loginForm(res, 200, request.id, relayState);
  }

  function loginForm(
    res: ServerResponse,
    status: number,
    requestId: string,
    relay: string,
    username = '',
    failed = false,
  ) {
    sendPage(
      res,
      status,
      TITLE,
      `<h1>${TITLE}</h1>
${failed ? '<p class="error" role="alert">Invalid username or password</p>' : ''}
<form method="post" action="${escapeHtml(loginPath)}">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<input type="hidden" name="relay" value="${escapeHtml(relay)}">
<label>Username <input name="username" autocomplete="username" required autofocus value="${escapeHtml(username)}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`,
    );
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req, res);
    if (!form) return;
    const requestId = form.get('request') ?? '';
    const relay = form.get('relay') ?? '';
    if (!REQUEST_ID.test(requestId) || Buffer.byteLength(relay) > MAX_RELAY_STATE) {
      return error(res, 400, 'This sign-in attempt is not valid. Start again at the application.');
    }
    const username = form.get('username') ?? '';
    const user = users.get(username);
    // Compare against a dummy for unknown users too, so timing does not reveal who exists.
    const ok = passwordMatches(form.get('password') ?? '', user?.password ?? '\0no-such-user');
    if (!user || !ok) {
      log('saml idp login failed');
      return loginForm(res, 401, requestId, relay, username, true);
    }
    const xml = samlResponseXml({
      issuer: entityId,
      destination: options.sp.acsUrl,
      audience: options.sp.entityId,
      inResponseTo: requestId,
      nameId: user.username,
      attributes: {
        uid: [user.username],
        email: [user.email],
        displayName: [user.name],
        groups: user.groups,
      },
      issuedAt: new Date(),
      lifetimeMs: ANSWER_LIFETIME_MS,
    });
    const signed = signSamlResponse(xml, key, { assertion: true, response: true });
    postBack(res, Buffer.from(signed).toString('base64'), relay);
  }

  /** The HTTP-POST binding: a form the browser submits to the ACS at once (or by a click). */
  function postBack(res: ServerResponse, samlResponse: string, relay: string): void {
    const nonce = randomBytes(16).toString('base64');
    const relayField =
      relay === '' ? '' : `<input type="hidden" name="RelayState" value="${escapeHtml(relay)}">`;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    // No form-action: Chromium would apply it to the redirects that follow the post.
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; frame-ancestors 'none'`,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(
      page(
        TITLE,
        `<h1>${TITLE}</h1><p>Signing you in to jitgate…</p>
<form method="post" action="${escapeHtml(options.sp.acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">${relayField}
<button type="submit">Continue</button>
</form>
<script nonce="${nonce}">document.forms[0].submit()</script>`,
      ),
    );
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://idp.invalid');
    const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
    const done = (work: Promise<void> | void) =>
      void Promise.resolve(work).catch((failure: unknown) => {
        log('saml idp error', { error: failure instanceof Error ? failure.message : 'unknown' });
        if (!res.headersSent) error(res, 500, 'Something went wrong.');
        else res.destroy();
      });
    if (route === 'GET /metadata') {
      res.setHeader('Content-Type', 'application/samlmetadata+xml');
      res.end(metadata);
    } else if (route === 'GET /sso') done(sso(res, url.searchParams));
    else if (route === 'POST /login') done(login(req, res));
    else error(res, 404, 'Not found.');
  };

  return {
    handler,
    entityId,
    metadataUrl: entityId,
    ssoUrl,
    certificatePem: key.certificatePem,
  };
}
