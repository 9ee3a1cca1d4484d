// Machine access tokens are checked like the design says: signature against the IdP's JWKS
// (found through discovery), issuer, audience and expiry; only configured clients count, and a
// token signed by anyone else, for another audience, or expired is no machine at all.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { IdentityProviderConfig, MachinesConfig } from '../../../proxy/config/schema.js';
import {
  createMachineVerifier,
  type MachineVerifier,
} from '../../../proxy/identity/machine-tokens.js';

let server: Server;
let issuer: string;
let key: CryptoKey;
let other: CryptoKey;
let verifier: MachineVerifier;

before(async () => {
  const pair = await generateKeyPair('ES256');
  key = pair.privateKey;
  ({ privateKey: other } = await generateKeyPair('ES256'));
  const jwk = await exportJWK(pair.publicKey);
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration')
      return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    if (req.url === '/jwks')
      return res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'ES256' }] }));
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const idp = { id: 'corp', type: 'oidc', issuer } as IdentityProviderConfig;
  const machines: MachinesConfig = {
    issuers: [
      {
        idp: 'corp',
        audience: 'jitgate',
        clientIdClaim: 'client_id',
        groups: ['ci'],
        clientGroups: { deployer: ['deploy'] },
        clients: ['runner', 'deployer'],
      },
    ],
  };
  verifier = createMachineVerifier(machines, [idp]);
});
after(() => server.close());

function token(
  claims: Record<string, unknown> = {},
  options: { signer?: CryptoKey; exp?: string; aud?: string; iss?: string } = {},
) {
  return new SignJWT({ client_id: 'runner', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? 'jitgate')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
    .sign(options.signer ?? key);
}

void describe('machine tokens', () => {
  void it('accepts a valid token as "<idp>:<client>" with its groups', async () => {
    const identity = await verifier.verify(await token());
    assert.equal(identity?.id, 'corp:runner');
    assert.deepEqual(identity?.groups, ['ci']);
    const deployer = await verifier.verify(await token({ client_id: 'deployer' }));
    assert.deepEqual(deployer?.groups, ['ci', 'deploy']);
  });

  void it('refuses another signer, audience, issuer, an expired token and unknown clients', async () => {
    assert.equal(await verifier.verify(await token({}, { signer: other })), undefined);
    assert.equal(await verifier.verify(await token({}, { aud: 'someone-else' })), undefined);
    assert.equal(await verifier.verify(await token({}, { iss: 'http://127.0.0.1:1' })), undefined);
    assert.equal(await verifier.verify(await token({}, { exp: '-2m' })), undefined);
    assert.equal(await verifier.verify(await token({ client_id: 'intruder' })), undefined);
    assert.equal(await verifier.verify('not.a.jwt'), undefined);
  });

  void it('only claims bearers that look like JWTs', async () => {
    assert.equal(verifier.looksLikeJwt(await token()), true);
    assert.equal(verifier.looksLikeJwt('jgt_abc'), false);
  });
});
