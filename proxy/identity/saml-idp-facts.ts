/**
 * What jitgate must know of a SAML IdP (entity ID, SSO URL, signing certificates), from where the
 * config says: written out in the config, a metadata file (read at startup, so a broken file
 * stops startup), or a metadata URL (read at the first login, like OIDC discovery, so an IdP
 * that is down at startup stops nobody; read again after metadataRefresh, and while it cannot be
 * read again the last good copy stays in use).
 */
import { readFileSync } from 'node:fs';
import type { SamlIdentityProviderConfig } from '../config/schema.js';
import { MAX_METADATA_BYTES } from '../config/saml-files.js';
import { certificatePem } from '../shared/certificate-pem.js';
import { JitgateError } from '../shared/errors.js';
import { parseIdpMetadata, type IdpMetadata } from './saml-xml.js';

export interface IdpFacts {
  entityId: string;
  ssoUrl: string;
  /** PEM certificates whose keys may sign the IdP's answers. */
  certificates: string[];
}

export interface IdpFactsSource {
  get(): Promise<IdpFacts>;
}

const FETCH_TIMEOUT_MS = 10_000;
const RETRY_AFTER_FAILURE_MS = 5 * 60_000;

/** Metadata checked like the config checks written-out facts; throws an Error saying what is off. */
function factsOf(idp: SamlIdentityProviderConfig, metadata: IdpMetadata): IdpFacts {
  const url = URL.canParse(metadata.ssoUrl) ? new URL(metadata.ssoUrl) : undefined;
  const secure =
    url?.protocol === 'https:' || (url?.protocol === 'http:' && idp.allowInsecureRequests);
  if (!secure) throw new Error('the SSO URL in the metadata is not an https URL');
  const certificates = metadata.certificates.flatMap((text) => certificatePem(text) ?? []);
  if (certificates.length === 0) throw new Error('no signing certificate in the metadata parses');
  return { entityId: metadata.entityId, ssoUrl: metadata.ssoUrl, certificates };
}

/**
 * The facts of one IdP. Reads a metadata file now and throws (naming the IdP) when it is not
 * usable; a metadata URL is only read when asked.
 */
export function idpFactsSource(idp: SamlIdentityProviderConfig, now: () => number): IdpFactsSource {
  if (idp.metadataFile !== undefined) {
    let facts: IdpFacts;
    try {
      facts = factsOf(idp, parseIdpMetadata(readFileSync(idp.metadataFile, 'utf8'), idp.entityId));
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unreadable';
      throw new JitgateError(
        500,
        'config_invalid',
        `identity provider ${idp.id}: metadataFile: ${reason}`,
        {
          cause: error,
        },
      );
    }
    return { get: () => Promise.resolve(facts) };
  }
  const { metadataUrl } = idp;
  if (metadataUrl === undefined) {
    const facts: IdpFacts = {
      entityId: idp.entityId ?? '',
      ssoUrl: idp.ssoUrl ?? '',
      // The config loader has checked that each one parses.
      certificates: (idp.certificates ?? []).flatMap((text) => certificatePem(text) ?? []),
    };
    return { get: () => Promise.resolve(facts) };
  }
  return metadataUrlSource(idp, metadataUrl, now);
}

function metadataUrlSource(
  idp: SamlIdentityProviderConfig,
  url: string,
  now: () => number,
): IdpFactsSource {
  let current: { facts: IdpFacts; until: number } | undefined;
  let reading: Promise<IdpFacts> | undefined;

  const read = async (): Promise<IdpFacts> => {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      redirect: 'error',
      headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
    });
    if (!response.ok) throw new Error(`the metadata URL answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_METADATA_BYTES) throw new Error('the metadata is too large');
    const body = await response.text();
    if (Buffer.byteLength(body) > MAX_METADATA_BYTES) throw new Error('the metadata is too large');
    return factsOf(idp, parseIdpMetadata(body, idp.entityId));
  };

  return {
    async get() {
      if (current && now() < current.until) return current.facts;
      reading ??= read()
        .then((facts) => {
          current = { facts, until: now() + idp.metadataRefresh };
          return facts;
        })
        .finally(() => {
          reading = undefined;
        });
      try {
        return await reading;
      } catch (error) {
        // A refresh that fails keeps the last good metadata (and waits before it tries again);
        // without one, no login can start.
        if (current) {
          current.until = now() + RETRY_AFTER_FAILURE_MS;
          return current.facts;
        }
        throw new JitgateError(502, 'idp_unavailable', 'the identity provider is unreachable', {
          cause: error,
        });
      }
    },
  };
}
