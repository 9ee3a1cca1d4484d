// Lint: type-aware rules plus the folder boundaries of the design (access/ and config/ know no
// HTTP stack; gateway/ no Express; identity/, store/, api/ and portal/ do not reach into pages or
// routes of another area; recorder/ stands alone; extension/ shares only types; one wrapper per
// library). test/unit/lint/boundaries.test.ts shows each rule failing a forbidden import, and
// that the README names the same wrapped libraries as WRAPPED.
// ESLint replaces (not merges) a rule configured by two blocks, so each block below carries the
// complete list of restrictions for the files it matches.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Each third-party library may be imported only by its wrapper file. */
export const WRAPPED = {
  'openid-client': 'proxy/identity/oidc-client.ts',
  'http-proxy': 'proxy/gateway/websocket-proxy.ts',
  'better-sqlite3': 'proxy/store/sqlite/database.ts',
  'oidc-provider': 'proxy/demo/idp.ts',
  'webextension-polyfill': 'extension/browser-api.ts',
  pg: 'proxy/shared/pg-driver.ts',
  'node-pty': 'proxy/terminal/pty.ts',
  qrcode: 'proxy/identity/mfa/qr-code.ts',
  '@simplewebauthn/server': 'proxy/identity/mfa/webauthn.ts',
  '@node-saml/node-saml': 'proxy/identity/saml-sp.ts',
  // Loaded with createRequire there (its types would pull the browser DOM into the program).
  '@xmldom/xmldom': 'proxy/identity/saml-xml.ts',
  'xml-crypto': 'proxy/demo/saml-signer.ts',
};

/** What serves HTTP: the domain and the config never import it. */
const HTTP_STACK = [
  'express',
  'express-*',
  'undici',
  'ws',
  'node:http',
  'node:https',
  'http',
  'https',
];

/** Folder boundaries: import patterns forbidden inside each folder. */
export const FOLDERS = {
  proxy: [{ group: ['**/extension/**'], message: 'the proxy never imports the extension' }],
  'proxy/access': [
    {
      group: [...HTTP_STACK, '**/gateway/**', '**/portal/**', '**/api/**', '**/server/**'],
      message: 'access/ is pure domain: no HTTP stack, no routes, no composition root',
    },
    {
      group: ['**/identity/**'],
      message:
        'access/ decides from subjects and groups; identity/ (sessions, logins) uses access/, not the reverse',
    },
  ],
  'proxy/config': [
    {
      group: [...HTTP_STACK, '**/gateway/**', '**/portal/**', '**/api/**'],
      message: 'config/ knows no HTTP stack',
    },
  ],
  'proxy/target': [
    {
      group: [
        'express',
        'express-*',
        'ws',
        '**/gateway/**',
        '**/portal/**',
        '**/api/**',
        '**/server/**',
        '**/store/**',
      ],
      message: 'target/ runs on SSH targets: no HTTP server, no store',
    },
  ],
  'proxy/gateway': [
    {
      group: ['express', 'express-*', '**/portal/**', '**/api/**'],
      message: 'gateway/ is the fast path: Express serves the portal and the API only',
    },
  ],
  'proxy/identity': [
    {
      group: ['**/portal/**', '**/api/**', '**/server/**'],
      message:
        'identity/ is used by the portal and the API, never the reverse (CSRF lives in identity/csrf.ts)',
    },
  ],
  'proxy/store': [
    {
      group: ['**/api/**', '**/portal/**', '**/gateway/**', '**/server/**'],
      message: 'store/ implements the repositories of the domain areas; it imports no routes',
    },
  ],
  'proxy/api': [
    { group: ['**/portal/**'], message: 'api/ and portal/ share through identity/ or access/' },
  ],
  'proxy/portal': [
    { group: ['**/api/**'], message: 'api/ and portal/ share through identity/ or access/' },
  ],
  recorder: [{ group: ['**/proxy/**', '**/extension/**'], message: 'recorder/ stands alone' }],
  extension: [
    {
      group: ['**/proxy/**', '**/recorder/**'],
      message: 'extension/ talks to the proxy over HTTP only',
    },
  ],
};

const folderOf = (file) =>
  Object.keys(FOLDERS)
    .filter((folder) => file.startsWith(folder + '/'))
    .sort((a, b) => b.length - a.length)[0];

const patternsFor = (folder) => [
  ...(folder?.startsWith('proxy/') ? FOLDERS.proxy : []),
  ...(folder ? FOLDERS[folder] : []),
];

const rule = (exceptLibrary, folder) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: Object.entries(WRAPPED)
        .filter(([name]) => name !== exceptLibrary)
        .map(([name, wrapper]) => ({ name, message: `only ${wrapper} imports ${name}` })),
      patterns: patternsFor(folder),
    },
  ],
});

export const boundaryBlocks = [
  { files: ['**/*.ts'], rules: rule(undefined, undefined) },
  ...Object.keys(FOLDERS)
    .sort((a, b) => a.length - b.length)
    .map((folder) => ({ files: [`${folder}/**/*.ts`], rules: rule(undefined, folder) })),
  ...Object.entries(WRAPPED).map(([name, wrapper]) => ({
    files: [wrapper],
    rules: rule(name, folderOf(wrapper)),
  })),
  // Tests and benchmarks drive real components directly.
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.jitgate/**', 'eslint.config.js', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Store methods are async by contract even where SQLite answers synchronously.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  // The extension runs in browsers; its service worker has no window and may be stopped at any
  // time, so worker code must not reach for page globals.
  { files: ['extension/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['extension/**/*.background.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'localStorage', 'sessionStorage', 'XMLHttpRequest'].map(
          (name) => ({
            name,
            message: 'service-worker code has no page globals (and keeps no state in memory)',
          }),
        ),
      ],
    },
  },
  ...boundaryBlocks,
);
