/**
 * How configuration problems are worded: the error that stops startup, the `a.b[2].c` paths, and
 * readable texts for zod's issues. No message here ever quotes a value from the file, because a
 * value may be a secret pasted in the wrong place; paths and line numbers say where to look.
 */
import type { z } from 'zod';
import { JitgateError } from '../shared/errors.js';

/** A bad configuration: every problem found, one `path (line N): message` string each. */
export class ConfigError extends JitgateError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[], options?: { cause?: unknown }) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const list = problems.map((problem) => `  - ${problem}`).join('\n');
    super(500, 'config_invalid', `${source}: ${count} in the configuration:\n${list}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A problem before wording: where it is and what is wrong there. */
export interface Problem {
  path: readonly PropertyKey[];
  message: string;
}

// Keys that read well after a dot; anything else is quoted in brackets.
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['resources', 2, 'upstream']` → `resources[2].upstream`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      if (!PLAIN_KEY.test(key)) text += `[${JSON.stringify(key)}]`;
      else text += text === '' ? key : `.${key}`;
    }
  }
  return text;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

const list = (values: readonly unknown[]) =>
  values.map((value) => JSON.stringify(value)).join(', ');
const oneOf = (values: readonly unknown[]) =>
  values.length === 1 ? list(values) : `one of ${list(values)}`;

function sizeWord(origin: string, bound: number | bigint): string {
  if (origin === 'array') return `${bound} item${bound === 1 ? '' : 's'}`;
  if (origin === 'string') return `${bound} character${bound === 1 ? '' : 's'}`;
  return String(bound);
}

function rangeText(
  bound: string,
  side: 'least' | 'most',
  issue: { exact?: boolean; inclusive?: boolean },
): string {
  if (issue.exact === true) return `must be exactly ${bound}`;
  if (issue.inclusive === false)
    return `must be ${side === 'least' ? 'more' : 'less'} than ${bound}`;
  return `must be at ${side} ${bound}`;
}

/**
 * Texts for zod's built-in issues, passed to `safeParse` as the per-parse error map. Messages the
 * schema sets itself take precedence, so this only words what the schema left generic.
 */
export const issueText: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return 'is required';
      if (issue.input === null) return `is empty; it must be ${expected}`;
      return `must be ${expected}`;
    }
    case 'too_small':
      if (issue.minimum === 1 && (issue.origin === 'array' || issue.origin === 'string')) {
        return 'must not be empty';
      }
      return rangeText(sizeWord(issue.origin, issue.minimum), 'least', issue);
    case 'too_big':
      return rangeText(sizeWord(issue.origin, issue.maximum), 'most', issue);
    case 'invalid_value':
      return `must be ${oneOf(issue.values)}`;
    case 'invalid_union':
      // A discriminated union names the tags it knows (`kind: web`, ...).
      if (issue.discriminator !== undefined && Array.isArray(issue.options)) {
        // A tag with a default (identity providers' `type: oidc`) also lists `undefined`.
        const options = oneOf(issue.options.filter((option) => option !== undefined));
        return issue.input === undefined ? `is required: ${options}` : `must be ${options}`;
      }
      return 'does not match any of the allowed forms';
    case 'invalid_format':
      return issue.format === 'regex' ? 'has the wrong format' : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_key':
      return 'is not an allowed key';
    default:
      return 'is not valid';
  }
};

/** The allowed key an unknown one was probably meant to be (key-suggestions.ts). */
export type SuggestKey = (path: readonly PropertyKey[], key: string) => string | undefined;

/**
 * Turns zod's issues into problems: one per unknown key (with the key probably meant, when
 * `suggest` finds one), record-key problems made specific.
 */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  suggest: SuggestKey = () => undefined,
): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const meant = suggest(issue.path, key);
        const message = meant ? `unknown key; did you mean "${meant}"?` : 'unknown key';
        return { path: [...issue.path, key], message };
      });
    }
    if (issue.code === 'invalid_key' && issue.issues[0]) {
      return [{ path: issue.path, message: `key ${issue.issues[0].message}` }];
    }
    return [{ path: issue.path, message: issue.message }];
  });
}
