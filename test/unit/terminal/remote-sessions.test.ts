// Terminating, at one replica, a session another replica holds, when that replica's heartbeat
// has gone silent (on a real SQLite store): the caller is told nobody holds it (409), and the
// request to end it is kept all the same, so a holder that was only slow ends the session when it
// catches up instead of running on as if nobody had asked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { RemoteSessions } from '../../../proxy/terminal/remote-sessions.js';
import type { SessionEnding } from '../../../proxy/terminal/session-ending.js';
import { HOLDER_SILENT_AFTER_MS } from '../../../proxy/terminal/session-holders.js';

const HOLDER = 'ins_holder-replica';
const admin: SessionUser = {
  id: 'corp:root',
  idp: 'corp',
  username: 'root',
  email: null,
  name: null,
  groups: ['admins'],
  kind: 'person',
  loginAt: 0,
};

/** This replica holds no session: every one asked about runs elsewhere. */
const nothingHere = {
  whenEnded: () => undefined,
  get: () => undefined,
  ids: () => [],
} as unknown as SessionEnding;

void describe('RemoteSessions.terminate of a session whose holder went silent', () => {
  test('is refused as held by nobody, and the request to end it is kept', async () => {
    const store = openSqliteStore(':memory:');
    const now = Date.now();
    const id = `ts_${'s'.repeat(22)}`;
    await store.terminalSessions.insert({
      id,
      userId: 'corp:alice',
      resourceId: 'prod-shell',
      login: 'deploy',
      grantId: 'grt_1',
      via: 'web',
      startedAt: now - 60_000,
      endedAt: null,
      endReason: null,
      state: 'live',
      recordingState: 'off',
      recording: null,
      checksum: null,
      bytes: null,
      instance: HOLDER,
    });
    // The holder's last heartbeat is older than the silence allowed: it may be dead, or slow.
    await store.instances.beat(HOLDER, now - HOLDER_SILENT_AFTER_MS - 1_000);
    const remote = new RemoteSessions({
      store,
      ending: nothingHere,
      instance: 'ins_asking-replica',
      now: () => now,
      log: silentLogger,
    });
    try {
      await assert.rejects(remote.terminate(id, admin, 'admin'), { code: 'session_holder_gone' });
      const stop = await store.terminalRelay.stopRequest(id);
      assert.equal(stop?.by, admin.id, 'the end was asked, for when the holder hears it');
    } finally {
      remote.close();
      await store.close();
    }
  });
});
