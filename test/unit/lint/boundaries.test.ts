// The folder boundaries are lint rules (eslint.config.js): each forbidden import below, linted as
// the text of a real file of that folder, fails with no-restricted-imports, and the allowed way
// round does not. The README names the same wrapped libraries as the lint table. Only the
// boundary blocks of the config run here (no type information needed), so the test stays quick.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const config = (await import(pathToFileURL(`${ROOT}eslint.config.js`).href)) as {
  WRAPPED: Record<string, string>;
  boundaryBlocks: Linter.Config[];
};
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...config.boundaryBlocks,
  ],
});

/** The messages of no-restricted-imports for `source` linted as if it were `file`. */
async function restricted(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}${file}` });
  assert.ok(result, file);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const FORBIDDEN: { rule: string; file: string; source: string }[] = [
  {
    rule: 'gateway/ imports no Express',
    file: 'proxy/gateway/responses.ts',
    source: "import express from 'express';\nexport const app = express();\n",
  },
  {
    rule: 'access/ imports no identity/',
    file: 'proxy/access/policy.ts',
    source: "export type { SessionUser } from '../identity/session-user.js';\n",
  },
  {
    rule: 'access/ imports no server/',
    file: 'proxy/access/policy.ts',
    source: "export { startJitgate } from '../server/start.js';\n",
  },
  {
    rule: 'access/ imports no node:http',
    file: 'proxy/access/policy.ts',
    source: "export { createServer } from 'node:http';\n",
  },
  {
    rule: 'identity/ imports no portal/',
    file: 'proxy/identity/mfa/webauthn-routes.ts',
    source: "export { webauthnScripts } from '../../portal/webauthn-assets.js';\n",
  },
  {
    rule: 'api/ imports no portal/',
    file: 'proxy/api/extension-routes.ts',
    source: "export { setFlash } from '../portal/session.js';\n",
  },
  {
    rule: 'portal/ imports no api/',
    file: 'proxy/portal/layout.ts',
    source: "export { apiRoutes } from '../api/routes.js';\n",
  },
  {
    rule: 'store/ imports no api/',
    file: 'proxy/store/sqlite/tokens.ts',
    source: "export type { TokenService } from '../../api/token-service.js';\n",
  },
];

void describe('lint holds the folder boundaries', () => {
  for (const { rule, file, source } of FORBIDDEN) {
    void it(`${rule} (${file})`, async () => {
      const messages = await restricted(file, source);
      assert.equal(messages.length, 1, `expected one boundary error, got ${messages.join(' | ')}`);
    });
  }

  void it('lets each area use what it shares through (portal and api use identity/csrf.ts)', async () => {
    const source = "export { csrfField } from '../identity/csrf.js';\n";
    assert.deepEqual(await restricted('proxy/portal/layout.ts', source), []);
    assert.deepEqual(await restricted('proxy/api/extension-routes.ts', source), []);
  });
});

void it('the README names exactly the libraries lint keeps to one wrapper file', async () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8').replace(/\s+/g, ' ');
  const listed =
    /each third-party library \(([^)]*)\) is imported by exactly one wrapper file/.exec(readme);
  assert.ok(listed?.[1], 'the README sentence naming the wrapped libraries is missing');
  const names = listed[1].split(',').map((name) => name.trim().replaceAll('`', ''));
  assert.deepEqual([...names].sort(), Object.keys(config.WRAPPED).sort());
});
