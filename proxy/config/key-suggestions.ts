/**
 * "Did you mean …?" for an unknown config key: the keys the schema allows at that place (for a
 * resource, those of its kind), and the one closest to what was written, if any is close. Only
 * schema keys are ever quoted, never anything from the file but the key itself.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypeDef & Record<string, unknown>;

const defOf = (schema: Schema): Def => schema._zod.def as Def;
const isRow = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object schemas that may describe `value` (several for a union, narrowed by its tags). */
function objectsFor(schema: Schema, value: unknown): Schema[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return [schema];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return objectsFor(def.innerType as Schema, value);
    case 'pipe':
      return objectsFor(def.in as Schema, value);
    case 'lazy':
      return objectsFor((def.getter as () => Schema)(), value);
    case 'intersection':
      return [...objectsFor(def.left as Schema, value), ...objectsFor(def.right as Schema, value)];
    case 'union': {
      const options = (def.options as Schema[]).flatMap((option) => objectsFor(option, value));
      const matching = options.filter((option) => tagsMatch(option, value));
      return matching.length > 0 ? matching : options;
    }
    default:
      return [];
  }
}

/** Whether every literal-valued key of the object schema agrees with `value` (e.g. `kind`). */
function tagsMatch(object: Schema, value: unknown): boolean {
  if (!isRow(value)) return true;
  const shape = defOf(object).shape as Record<string, Schema>;
  return Object.entries(shape).every(([key, field]) => {
    let def = defOf(field);
    // `type: z.literal('oidc').default('oidc')` is still a tag.
    while (['optional', 'default', 'prefault', 'nullable', 'readonly'].includes(def.type))
      def = defOf(def.innerType as Schema);
    if (def.type !== 'literal' || !(key in value)) return true;
    return (def.values as unknown[]).includes(value[key]);
  });
}

/** The schema of the child at `key` (a field, a list item, a map value), given the value there. */
function childOf(schema: Schema, value: unknown, key: PropertyKey): Schema | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'array':
      return typeof key === 'number' ? (def.element as Schema) : undefined;
    case 'record':
      return def.valueType as Schema;
    case 'object':
      return (def.shape as Record<string, Schema>)[String(key)];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return childOf(def.innerType as Schema, value, key);
    case 'pipe':
      return childOf(def.in as Schema, value, key);
    case 'lazy':
      return childOf((def.getter as () => Schema)(), value, key);
    case 'union':
    case 'intersection':
      for (const object of objectsFor(schema, value)) {
        const child = childOf(object, value, key);
        if (child) return child;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The keys allowed in the mapping at `path` of the document `doc`. */
export function allowedKeys(schema: Schema, doc: unknown, path: readonly PropertyKey[]): string[] {
  let here: Schema | undefined = schema;
  let value = doc;
  for (const key of path) {
    if (!here) return [];
    here = childOf(here, value, key);
    value =
      isRow(value) || Array.isArray(value)
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined;
  }
  if (!here) return [];
  return [
    ...new Set(
      objectsFor(here, value).flatMap((object) =>
        Object.keys(defOf(object).shape as Record<string, Schema>),
      ),
    ),
  ];
}

/** `adminUrlEnv`, `admin_url_env` and `AdminURLEnv` are the same key to a reader. */
const normalized = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The allowed key closest to `key`, when it is close enough to be what was meant. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  const wanted = normalized(key);
  let best: { key: string; distance: number } | undefined;
  // A key allowed in another form of this mapping (an OIDC key on a SAML IdP) is no typo.
  for (const candidate of allowed.filter((k) => k !== key)) {
    const distance = editDistance(wanted, normalized(candidate));
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  // A third of the key's length: "upstrem" → "upstream", but not "zzzzzz" → "server".
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  return best && best.distance <= limit ? best.key : undefined;
}
