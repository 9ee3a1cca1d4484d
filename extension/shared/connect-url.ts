/**
 * The address of jitgate's connect page for this extension. `:` and `/` stay as they are in the
 * redirect URI (both are legal in a query): a person who is not signed in yet goes through the
 * login first, and the login's redirect check refuses addresses with encoded slashes (`%2F%2F`),
 * which would drop them on the portal's home page instead of back here.
 */
const queryValue = (value: string) =>
  encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/');

export function connectUrl(
  origin: string,
  params: { redirectUri: string; state: string; challenge: string; stepUp?: boolean },
): string {
  const query = [
    ['redirect_uri', params.redirectUri],
    ['state', params.state],
    ['code_challenge', params.challenge],
    ['code_challenge_method', 'S256'],
    ...(params.stepUp ? [['step_up', '1']] : []),
  ]
    .map(([name, value]) => `${name}=${queryValue(value ?? '')}`)
    .join('&');
  return `${origin}/extension/connect?${query}`;
}
