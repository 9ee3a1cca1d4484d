/** The route table: one entry per web resource, found by the Host header's name. */
import type { Config, WebResourceConfig } from '../config/schema.js';
import { createUpstream, type Upstream } from './forward.js';
import type { ResourceLabel } from './responses.js';
import { buildHeaderRules, type HeaderRules } from './upstream-headers.js';

export interface AppRoute {
  resource: WebResourceConfig;
  label: ResourceLabel;
  /** Host name only, lower case. */
  host: string;
  /** Origin people use, e.g. "http://payroll.localhost:8080". */
  origin: string;
  upstream: Upstream;
  rules: HeaderRules;
}

/** Origin of an app: the portal's scheme and port with the app's host name. */
export function appOrigin(portalOrigin: string, host: string): string {
  const url = new URL(portalOrigin);
  url.hostname = host;
  return url.origin;
}

export function buildRoutes(config: Config, portalOrigin: string): Map<string, AppRoute> {
  const routes = new Map<string, AppRoute>();
  for (const resource of config.resources) {
    if (resource.kind !== 'web') continue;
    routes.set(resource.host, {
      resource,
      label: { id: resource.id, name: resource.name ?? resource.id },
      host: resource.host,
      origin: appOrigin(portalOrigin, resource.host),
      upstream: createUpstream(resource.upstream),
      rules: buildHeaderRules({
        assertionHeader: config.gateway.assertionHeader,
        injectedHeaders: Object.keys(resource.headers),
        extraStrip: config.gateway.stripHeaders,
        cookieName: config.session.cookieName,
        trustProxy: config.server.trustProxy,
      }),
    });
  }
  return routes;
}

/** Host header → host name: lower case, port and trailing dot removed. */
export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  let host = hostHeader.toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  if (colon !== -1) host = host.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
