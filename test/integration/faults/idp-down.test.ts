// The IdP down (nothing listens at its issuer): a login answers 502 idp_unavailable with a
// request id, and the log line with that id says which IdP failed and why, down to the system's
// own word (ECONNREFUSED), not just "fetch failed".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { validateConfig } from '../../../proxy/config/load.js';
import { createHttpServer, listen } from '../../../proxy/server/http-server.js';
import { startJitgate, type RunningJitgate } from '../../../proxy/server/start.js';
import { createLogger } from '../../../proxy/shared/logger.js';
import { rawRequest } from '../../support/http-client.js';
import { closedPort } from '../../support/closed-port.js';

let jitgate: RunningJitgate;
let stateDir: string;
let issuer: string;
const lines: Record<string, unknown>[] = [];

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'jitgate-idp-down-'));
  issuer = `http://127.0.0.1:${await closedPort()}/idp`;
  const log = createLogger({
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const http = createHttpServer(log);
  const port = await listen(http.server, 0, '127.0.0.1');
  const config = validateConfig({
    server: { host: '127.0.0.1', port, publicUrl: `http://localhost:${port}` },
    state: { dir: stateDir },
    identityProviders: [
      { id: 'corp', issuer, clientId: 'jitgate', clientSecret: 's', allowInsecureRequests: true },
    ],
    resources: [
      { id: 'payroll', kind: 'web', host: 'payroll.localhost', upstream: 'http://127.0.0.1:9' },
    ],
    policies: [],
  });
  jitgate = await startJitgate({ config, log, http });
});
after(async () => {
  await jitgate.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Every `code` in an error's cause chain, as the log line has it. */
function codesIn(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  return [
    ...(typeof code === 'string' ? [code] : []),
    ...codesIn(cause),
    ...(Array.isArray(errors) ? errors.flatMap(codesIn) : []),
  ];
}

void describe('the IdP down', () => {
  it('answers 502 idp_unavailable and logs which IdP failed and why', async () => {
    const reply = await rawRequest(`${jitgate.url}/auth/login?idp=corp`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(reply.status, 502);
    assert.equal(reply.headers['x-jitgate-error'], 'idp_unavailable');
    const requestId = reply.headers['x-request-id'];
    assert.ok(typeof requestId === 'string');
    assert.doesNotMatch(reply.body, /127\.0\.0\.1|ECONNREFUSED/, 'the client learns no more');

    const line = lines.find((l) => l.requestId === requestId);
    assert.ok(line, `a log line for request ${requestId}`);
    assert.equal(line.level, 'error');
    const error = line.error as { code?: string; message?: string };
    assert.equal(error.code, 'idp_unavailable');
    assert.match(error.message ?? '', /"corp"/);
    assert.ok(JSON.stringify(error).includes(issuer), 'the log names the IdP’s address');
    assert.ok(codesIn(error).includes('ECONNREFUSED'), JSON.stringify(line));
  });
});
