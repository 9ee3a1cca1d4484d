/**
 * The names of jitgate's cookies, from `session.cookieName`. On https each carries the `__Host-`
 * prefix: a browser then keeps it only as set by this very host, with `Path=/` and no `Domain`.
 * The apps behind jitgate live on sibling hosts (payroll.example.com beside access.example.com),
 * and a script on one could otherwise plant a cookie for the whole domain: a session, an app
 * session or an open login of the attacker's own, signing the victim in as the attacker (cookie
 * tossing, login CSRF). On plain http the prefix is not allowed (it needs `Secure`), so the
 * demo's names are bare.
 */
export interface CookieNames {
  /** The portal session (express-session). */
  session: string;
  /** The session on each app host, set by the handoff. */
  app: string;
  /** The handoff's binding cookie on app hosts. */
  bind: string;
  /** An open OIDC login; the login's state follows. */
  loginPrefix: string;
  /** The browser's mark of an open SAML login. */
  saml: string;
}

export function cookieNames(base: string, secure: boolean): CookieNames {
  const named = (suffix: string) => `${secure ? '__Host-' : ''}${base}${suffix}`;
  return {
    session: named(''),
    app: named('_app'),
    bind: named('_bind'),
    loginPrefix: named('_login_'),
    saml: named('_saml'),
  };
}
