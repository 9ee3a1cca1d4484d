// Live views end with the sign-in they were opened with: at once when it ends on this replica
// (SessionEnding.endCredential), at the next check when it ended on another (checkCredentials).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SessionEnding } from '../../../proxy/terminal/session-ending.js';

type Holds = (credential: string, userId: string) => Promise<boolean>;

/** No terminal session runs here: only live views (their other deps are never reached). */
const ending = (signInHolds: Holds = async () => true) =>
  new SessionEnding({ signInHolds } as ConstructorParameters<typeof SessionEnding>[0]);

void describe('live views and their sign-ins', () => {
  test('a sign-in ended here closes the views opened with it, only those', () => {
    const here = ending();
    const closed: string[] = [];
    here.watchers.add('session:a', 'corp:carol', () => closed.push('a'));
    here.watchers.add('token:b', 'corp:carol', () => closed.push('b'));
    here.endCredential('session:a');
    assert.deepEqual(closed, ['a']);
    assert.equal(here.watchers.count, 1);
  });

  test('a sign-in ended elsewhere closes its views at the next check', async () => {
    let holds: Holds = async (credential) => credential !== 'session:a';
    const here = ending((credential, userId) => holds(credential, userId));
    const closed: string[] = [];
    here.watchers.add('session:a', 'corp:carol', () => closed.push('a'));
    const forget = here.watchers.add('session:b', 'corp:dave', () => closed.push('b'));
    await here.checkCredentials();
    assert.deepEqual(closed, ['a']);
    // A view that closed by itself is forgotten: nothing is closed twice.
    forget();
    holds = async () => false;
    await here.checkCredentials();
    assert.deepEqual(closed, ['a']);
  });

  test('a sign-in that cannot be checked now keeps its view until the next check', async () => {
    const here = ending(() => Promise.reject(new Error('store down')));
    const closed: string[] = [];
    here.watchers.add('session:a', 'corp:carol', () => closed.push('a'));
    await here.checkCredentials();
    assert.deepEqual(closed, []);
  });
});
