/** Turning the user ids stored on requests and grants into names people recognize. */
import type { UserRecord } from '../store/types.js';
import type { PortalDeps } from './deps.js';

/** Actors that are not people: policy (auto-approval), system (expiry), admin-cli. */
const NOT_PEOPLE = new Set(['policy', 'system', 'admin-cli', 'test']);

export interface People {
  get(id: string): Promise<UserRecord | undefined>;
  /** The username for an id, the actor's own name for policy/system, the id when unknown. */
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
      return (await get(id))?.username ?? id;
    },
  };
}
