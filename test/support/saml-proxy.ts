/**
 * A jitgate whose people sign in over SAML, for the SAML tests: the test names the identity
 * providers (once it knows the portal's origin), resources and policies. `replica()` starts a
 * second jitgate on the same database and public URL, as a load balancer would put two side by
 * side. The store is SQLite in a temporary folder, or the PostgreSQL database `postgresUrl` names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../proxy/config/load.js';
import type { ConfigInput } from '../../proxy/config/schema.js';
import { createHttpServer, listen } from '../../proxy/server/http-server.js';
import { startJitgate, type RunningJitgate } from '../../proxy/server/start.js';
import { silentLogger } from '../../proxy/shared/logger.js';

export interface SamlProxyOptions {
  identityProviders(origin: string): ConfigInput['identityProviders'];
  resources?: ConfigInput['resources'];
  policies?: ConfigInput['policies'];
  mfaAtLogin?: boolean;
  /** A PostgreSQL database for the store (storage.driver: postgres); SQLite without it. */
  postgresUrl?: string;
  /** Runs before jitgate starts, once its origin is known (start the IdP there). */
  beforeStart?(origin: string): Promise<void>;
}

export interface SamlProxy {
  /** The public URL (http://localhost:<port of the first replica>). */
  url: string;
  jitgate: RunningJitgate;
  acsUrl(idp: string): string;
  spEntityId(idp: string): string;
  /** A second jitgate on the same database; reach it at `url` with `port`. */
  replica(): Promise<{ port: number; jitgate: RunningJitgate }>;
  stop(): Promise<void>;
}

export async function startSamlProxy(options: SamlProxyOptions): Promise<SamlProxy> {
  const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-saml-'));
  const http = createHttpServer(silentLogger);
  const port = await listen(http.server, 0, '127.0.0.1');
  const origin = `http://localhost:${port}`;
  await options.beforeStart?.(origin);
  const urlEnv = 'JITGATE_TEST_SAML_STORE_URL';
  const config = validateConfig(
    {
      server: { host: '127.0.0.1', port, publicUrl: origin },
      state: { dir: stateDir },
      ...(options.postgresUrl ? { storage: { driver: 'postgres', postgres: { urlEnv } } } : {}),
      identityProviders: options.identityProviders(origin),
      resources: options.resources ?? [],
      policies: options.policies ?? [],
      mfa: { atLogin: options.mfaAtLogin ?? false },
    },
    options.postgresUrl ? { ...process.env, [urlEnv]: options.postgresUrl } : process.env,
  );
  const jitgate = await startJitgate({ config, log: silentLogger, http });
  const replicas: RunningJitgate[] = [];
  return {
    url: origin,
    jitgate,
    acsUrl: (idp) => `${origin}/auth/saml/${idp}/acs`,
    spEntityId: (idp) => `${origin}/auth/saml/${idp}/metadata`,
    async replica() {
      const other = createHttpServer(silentLogger);
      const otherPort = await listen(other.server, 0, '127.0.0.1');
      const running = await startJitgate({ config, log: silentLogger, http: other });
      replicas.push(running);
      return { port: otherPort, jitgate: running };
    },
    async stop() {
      for (const replica of replicas) await replica.close();
      await jitgate.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
