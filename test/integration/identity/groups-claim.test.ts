// A login whose ID token has no groups claim while the IdP is set up to map groups (the Google
// Workspace case: Google never sends one) still signs the person in, with no groups, and the log
// says why and what to change, instead of group mapping silently mapping nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { demoIdpFor } from '../../../proxy/demo/demo-config.js';
import { createLogger } from '../../../proxy/shared/logger.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';

const lines: Record<string, unknown>[] = [];
let demo: TestDemo;

before(async () => {
  demo = await startTestDemo({
    log: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
    // The demo IdP sends "groups"; a config that reads "roles" meets a token without it.
    configure: (input) => ({
      ...input,
      identityProviders: (input.identityProviders ?? []).map((idp) =>
        idp.id === demoIdpFor('alice') ? { ...idp, groupsClaim: 'roles' } : idp,
      ),
    }),
  });
});
after(() => demo.stop());

void describe('a token without the groups claim', () => {
  void it('signs the person in with no groups, and the log names the claim and the fix', async () => {
    await demo.login('alice');
    const user = (await demo.jitgate.store.users.findByName('alice'))[0];
    assert.deepEqual(user?.groups, []);
    const warnings = lines.filter((line) => line.level === 'warn' && line.user === user?.id);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(String(warnings[0]?.msg), /has no "roles" claim, so this person gets no groups/);
    assert.match(String(warnings[0]?.msg), /Google Workspace/);
    assert.equal(warnings[0]?.idp, demoIdpFor('alice'));
  });
});
