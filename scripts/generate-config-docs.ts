/**
 * Writes docs/configuration.md from the config schema (`npm run docs:config`). The reference
 * tables come from the schema's JSON Schema form, so every key, type, default and description is
 * the one the loader enforces; the example and the sample error are run through the loader too.
 * A unit test fails when the committed file differs from what this renders.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../proxy/config/errors.js';
import { parseConfig } from '../proxy/config/load.js';
import { configSchema, HEADER_NAME, SLUG } from '../proxy/config/schema.js';
import { EXAMPLE_CONFIG } from './config-example.js';

type JsonSchema = z.core.JSONSchema.JSONSchema;

export const DOCS_PATH = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** One documented key. `key` is a path such as `resources[].upstream`. */
export interface KeyRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

interface Table {
  title: string;
  intro: string;
  rows: KeyRow[];
}

// --- Reading the schema -------------------------------------------------------------------------

const asSchema = (value: unknown): JsonSchema =>
  typeof value === 'object' && value !== null ? (value as JsonSchema) : {};

const code = (text: string) => `\`${text}\``;

/** A default as it would be written in YAML flow style. */
function yamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const pairs = Object.entries(value).map(([k, v]) => `${k}: ${yamlValue(v)}`);
    return `{${pairs.join(', ')}}`;
  }
  return String(value);
}

function stringType(schema: JsonSchema): string {
  if (schema.format === 'duration') return 'duration';
  if (schema.pattern === SLUG.source) return 'slug';
  if (schema.pattern === HEADER_NAME.source) return 'header name';
  if (schema.pattern !== undefined) return `string matching ${code(schema.pattern)}`;
  return 'string';
}

function typeText(schema: JsonSchema): string {
  if (schema.const !== undefined) return code(String(schema.const));
  if (schema.enum) return schema.enum.map((value) => code(String(value))).join(' | ');
  if (schema.oneOf) return schema.oneOf.map(variantName).join(' or ');
  if (schema.anyOf) return schema.anyOf.map((item) => typeText(asSchema(item))).join(' or ');
  switch (schema.type) {
    case 'string':
      return stringType(schema);
    case 'integer':
    case 'number': {
      const word = schema.type === 'integer' ? 'integer' : 'number';
      const { minimum: min, maximum: max } = schema;
      return min !== undefined && max !== undefined ? `${word} ${min}–${max}` : word;
    }
    case 'array': {
      const items = asSchema(schema.items);
      let inner = items.enum ? `(${typeText(items)})` : typeText(items);
      if (items.properties) inner = 'mappings (keys below)';
      if (items.oneOf) inner = `mappings with ${typeText(items)}`;
      return schema.minItems ? `list of ${inner}, at least ${schema.minItems}` : `list of ${inner}`;
    }
    case 'object':
      if (schema.properties) return 'mapping';
      if (schema.additionalProperties === undefined) return 'mapping';
      return `map of ${typeText(asSchema(schema.propertyNames))} → ${typeText(asSchema(schema.additionalProperties))}`;
    default:
      return String(schema.type ?? 'any');
  }
}

/** A union variant is named by its constant key, e.g. `kind: web`. */
function variantName(variant: JsonSchema): string {
  for (const [key, property] of Object.entries(variant.properties ?? {})) {
    const value = asSchema(property).const;
    if (value !== undefined) return code(`${key}: ${String(value)}`);
  }
  return 'mapping';
}

function row(key: string, schema: JsonSchema, required: boolean): KeyRow {
  let value: string;
  if (schema.default === undefined) value = required ? '**required**' : '—';
  else if (schema.properties)
    value = '—'; // a section: the defaults are on its keys
  else value = code(yamlValue(schema.default));
  return {
    key: code(key),
    type: typeText(schema),
    default: value,
    description: schema.description ?? '',
  };
}

function addKeys(schema: JsonSchema, prefix: string, table: Table, tables: Table[]): void {
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const child = asSchema(property);
    const path = prefix === '' ? key : `${prefix}.${key}`;
    table.rows.push(row(path, child, schema.required?.includes(key) ?? false));
    addNested(child, path, table, tables);
  }
}

/** Keys inside a mapping or inside list items; each union variant gets its own table. */
function addNested(schema: JsonSchema, path: string, table: Table, tables: Table[]): void {
  if (schema.properties) addKeys(schema, path, table, tables);
  const items = asSchema(schema.items);
  for (const variant of items.oneOf ?? []) {
    const name = variantName(variant);
    const intro = `Items of ${code(path)} with ${name}.`;
    const variantTable: Table = { title: `${code(`${path}[]`)} with ${name}`, intro, rows: [] };
    tables.push(variantTable);
    addKeys(variant, `${path}[]`, variantTable, tables);
  }
  if (items.properties) addKeys(items, `${path}[]`, table, tables);
}

function referenceTables(): Table[] {
  const root = asSchema(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }));
  const tables: Table[] = [];
  for (const [key, property] of Object.entries(root.properties ?? {})) {
    const schema = asSchema(property);
    // The section's own row carries its description; no need to repeat it above the table.
    const table: Table = { title: code(key), intro: '', rows: [] };
    tables.push(table);
    table.rows.push(row(key, schema, root.required?.includes(key) ?? false));
    addNested(schema, key, table, tables);
  }
  return tables;
}

/** Every documented key, in document order (the unit test checks each has a description). */
export function configKeys(): KeyRow[] {
  return referenceTables().flatMap((table) => table.rows);
}

// --- The page -----------------------------------------------------------------------------------

export { EXAMPLE_CONFIG };

/** Secrets for the example's env variables, so the generator can prove the example loads. */
const EXAMPLE_ENV = {
  JITGATE_CORP_CLIENT_SECRET: 'example',
  JITGATE_PARTNER_CLIENT_SECRET: 'example',
};

const BAD_EXAMPLE = `server:
  port: eighty
identityProviders:
  - id: corp
    issuer: http://login.example.com
resources:
  - id: payroll
    kind: web
    host: payroll.example.com
    upstream: payroll:8000
    timeout: 30s
policies:
  - id: staff
    resources: [payrol]
    maxDuration: 2 hours
    windows:
      - days: [mon, fri]
        from: '08:00'
        to: '18:00'
        timeZone: Europe/Berln
`;

/** The real output of the loader for BAD_EXAMPLE. */
function badExampleOutput(): string {
  try {
    parseConfig(BAD_EXAMPLE, 'jitgate.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('BAD_EXAMPLE unexpectedly loaded');
}

/** Table cells: pipes end a cell and `<word>` would be read as HTML. */
const cell = (text: string) =>
  text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function renderTable(table: Table): string {
  const head = ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |'];
  const body = table.rows.map(
    (r) => `| ${r.key} | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`,
  );
  const intro = table.intro === '' ? '' : `${cell(table.intro)}\n\n`;
  return `### ${table.title}\n\n${intro}${[...head, ...body].join('\n')}\n`;
}

const INTRO = `# Configuration

<!-- Generated from proxy/config/schema.ts by \`npm run docs:config\`. Edit the schema, not this file. -->

A real deployment reads one YAML file: \`jitgate serve --config FILE\`. (\`npm start\` without a
config runs the embedded demo.)

- **Every problem at once.** At startup the whole file is checked: types and allowed values,
  unknown keys (with the key probably meant: \`upstrem: unknown key; did you mean "upstream"?\`),
  keys that must agree with each other (unique ids and hosts, policies that name real resources)
  and the client secrets. A bad file stops startup with all its problems listed, each with its
  path in the file (\`resources[2].upstream\`) and its line.
- **Warnings at start-up** (logged; jitgate starts anyway) for a file that is valid but likely
  wrong: a group that policies, \`admins\` or \`auditors\` name but that no identity provider can
  give anyone (no \`groupMap\` maps to it, no \`passUnmappedGroups\`, no machine issuer assigns it),
  and plain HTTP on a non-loopback \`server.host\` while \`server.publicUrl\` is not https
  ([identity-providers.md](identity-providers.md) covers TLS termination).
- **Durations** are a number and a unit, \`ms\` \`s\` \`m\` \`h\` \`d\`, combined largest first:
  \`"90s"\`, \`"30m"\`, \`"8h"\`, \`"1h30m"\`.
- **\`PORT\`** in the environment overrides \`server.port\`.
- **Secrets** stay out of the file: an identity provider's \`clientSecretEnv\` names an environment
  variable and \`clientSecretFile\` a file (relative to the config file); both are read at startup.
  Problem messages never quote a value from the file.
- **Unknown keys are errors**, so a typo never silently does nothing.
- **SAML 2.0** identity providers (\`type: saml\`) sit beside OIDC ones: [saml.md](saml.md) explains
  their keys and shows how to connect Okta, Microsoft Entra ID, ADFS and Keycloak.
`;

/** The whole of docs/configuration.md. */
export function renderConfigDocs(): string {
  // Throws (and so fails `npm run docs:config` and the docs test) if the example is not valid.
  parseConfig(EXAMPLE_CONFIG, 'the example configuration', EXAMPLE_ENV);
  const sections = [
    INTRO,
    '## Example\n\nThree identity providers (staff and a vendor over OIDC, contractors over SAML), two web apps, an SSH server, three policies.\n',
    '```yaml\n' + EXAMPLE_CONFIG + '```\n',
    '## A bad file\n\nEvery problem is reported in one go. This file:\n',
    '```yaml\n' + BAD_EXAMPLE + '```\n',
    'stops startup with:\n',
    '```text\n' + badExampleOutput() + '\n```\n',
    '## Reference\n\nEvery key with its type and default. **required** keys have no default.\n',
    ...referenceTables().map(renderTable),
  ];
  return sections.join('\n');
}

// Run as a script (not when the test imports it).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(DOCS_PATH, renderConfigDocs());
  console.log(`wrote ${DOCS_PATH}`);
}
