/** Turning the user ids stored on requests and grants into names people recognize. */
import { grantState } from '../access/access-state.js';
import { html, type SafeHtml } from '../shared/html.js';
import { identityOrigin, nameWithOrigin } from '../shared/identity-origin.js';
import type { GrantRecord, UserRecord } from '../store/types.js';
import type { PortalDeps } from './deps.js';
import { timeCell } from './format.js';

/** Actors that are not people: policy (auto-approval), system (expiry), admin-cli. */
const NOT_PEOPLE = new Set(['policy', 'system', 'admin-cli', 'test']);

export interface People {
  get(id: string): Promise<UserRecord | undefined>;
  /**
   * The username for an id (with where it comes from for vendors and machines), the actor's own
   * name for policy/system, the id when unknown.
   */
  name(id: string | null): Promise<string>;
}

/** A lookup that asks the store once per id for one page render. */
export function people(deps: PortalDeps): People {
  const cache = new Map<string, Promise<UserRecord | undefined>>();
  const get = (id: string) => {
    let found = cache.get(id);
    if (!found) {
      found = deps.store.users.get(id);
      cache.set(id, found);
    }
    return found;
  };
  return {
    get,
    async name(id) {
      if (id === null) return '—';
      if (NOT_PEOPLE.has(id)) return id;
      const user = await get(id);
      if (!user) return id;
      // A vendor's IdP chooses the username it sends (staff's, even): say whose it is.
      return user.kind === 'person' ? user.username : nameWithOrigin(user);
    },
  };
}

/** Where a person's identity comes from (shared/identity-origin.ts), beside their name. */
export function identityNote(user: UserRecord | undefined): SafeHtml {
  if (!user) return html`<span class="identity muted">unknown identity</span>`;
  return html`<span class="identity muted" data-kind="${user.kind}" data-idp="${user.idp}"
    >${identityOrigin(user)}</span
  >`;
}

/** "released by alice at …" or "revoked by bob at …" for a grant ended early; else undefined. */
export async function endedEarly(
  grant: GrantRecord,
  now: number,
  who: People,
): Promise<SafeHtml | undefined> {
  const life = grantState(grant, now);
  if (life.state !== 'ended' || life.end === 'expired') return undefined;
  return html`${life.end} by ${await who.name(grant.revokedBy)} ${timeCell(grant.revokedAt)}`;
}
