/**
 * The live sessions and every way they end: the grant ends (revoke, expiry), an auditor
 * terminates, the recording fails, the proxy shuts down, or ssh exits. Each end writes the store
 * row and a `session.ended` audit event with the recording's checksum. At start-up, sessions a
 * crash left open are ended, at the last moment they were known alive, and their recordings
 * recovered (sealed, flagged): theirs only (recording-recovery.ts).
 */
import type { GrantEndReason } from '../access/grant-book.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { SessionUser } from '../identity/session-user.js';
import { JitgateError, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { StoppedInstance, Store } from '../store/types.js';
import type { RecordingStorage } from '../../recorder/asciicast/index.js';
import { recoverOpenRecordings } from './recording-recovery.js';
import { recordEnd, recordStart, type SessionStart } from './session-audit.js';
import type { SshProcess } from './ssh-client.js';
import type { SessionEnded, TerminalPeer, TerminalSession } from './terminal-session.js';
import { WatcherSignIns } from './watcher-sign-ins.js';

interface Live {
  session: TerminalSession;
  ssh: SshProcess;
  start: SessionStart;
  /** The sign-in it was opened with (a portal session or a token). */
  credential: string;
  endedBy?: string;
}

export class SessionEnding {
  private readonly live = new Map<string, Live>();
  private readonly endListeners: ((id: string) => Promise<void>)[] = [];
  /** The live views open here: they end with their sign-in too. */
  readonly watchers = new WatcherSignIns();

  constructor(
    private readonly deps: {
      store: Store;
      audit: AuditLog;
      storage: RecordingStorage;
      log: Logger;
      now: () => number;
      /** A session's certificate has ended: the revocation list must be made again. */
      onCertificateEnded?: () => void;
      /** Whether a sign-in (of that person) still holds; rejects when the store cannot say. */
      signInHolds: (credential: string, userId: string) => Promise<boolean>;
    },
  ) {}

  get count(): number {
    return this.live.size;
  }

  async started(
    session: TerminalSession,
    ssh: SshProcess,
    credential: string,
    start: SessionStart,
  ): Promise<void> {
    await recordStart(this.deps, start);
    const live = { session, ssh, start, credential };
    this.live.set(start.id, live);
    // A sign-out while the session was being set up found nothing to end here: asked once now
    // that it has joined the live ones (every later end reaches it through endCredential).
    void this.endIfSignedOut(live);
  }

  get(id: string): TerminalSession | undefined {
    return this.live.get(id)?.session;
  }

  /** The sessions running here. */
  ids(): string[] {
    return [...this.live.keys()];
  }

  /** `listener` is called once each session has ended here and its end is recorded. */
  whenEnded(listener: (id: string) => Promise<void>): void {
    this.endListeners.push(listener);
  }

  watch(id: string, peer: TerminalPeer): () => void {
    const live = this.live.get(id);
    if (!live) throw notFound('session_not_live', 'this session is not running');
    return live.session.watch(peer);
  }

  endGrant(grantId: string, reason: GrantEndReason, message: string): void {
    for (const live of this.live.values())
      if (live.start.grant.id === grantId)
        void live.session.end(reason === 'expired' ? 'expired' : 'revoked', message);
  }

  /** The sign-in `credential` ended (logout, revoked token): its sessions on this replica end. */
  endCredential(credential: string): void {
    for (const live of this.live.values())
      if (live.credential === credential)
        void live.session.end('signed_out', 'You signed out of jitgate. The session has ended.');
    this.watchers.endCredential(credential);
  }

  /**
   * Ends the sessions whose sign-in no longer holds: how a logout on another replica reaches the
   * sessions running here. A sign-in that cannot be checked now is given the benefit until the
   * next check (the store being down ends no session by itself).
   */
  async checkCredentials(): Promise<void> {
    for (const live of [...this.live.values()]) await this.endIfSignedOut(live);
    await this.watchers.checkCredentials(this.deps.signInHolds);
  }

  private async endIfSignedOut(live: Live): Promise<void> {
    const holds = await this.deps
      .signInHolds(live.credential, live.start.user.id)
      .catch(() => true);
    if (!holds)
      void live.session.end('signed_out', 'You signed out of jitgate. The session has ended.');
  }

  recordingFailed(id: string, required: boolean, error: Error): void {
    this.deps.log.error('recording failed', { session: id, error, required });
    const live = this.live.get(id);
    if (required && live)
      void live.session.end(
        'recording_failed',
        'Recording failed and this session must be recorded, so it has ended.',
      );
  }

  async terminate(id: string, actor: SessionUser, role: string): Promise<void> {
    const live = this.live.get(id);
    if (!live) {
      const row = await this.deps.store.terminalSessions.get(id);
      if (!row) throw notFound('unknown_session', 'no such session');
      throw new JitgateError(409, 'session_not_live', 'this session has already ended');
    }
    live.endedBy = actor.id;
    await live.session.end('terminated', `${actor.username} (${role}) ended this session.`);
  }

  /** Someone (`by`, a user id) asked at another replica for session `id` to end. */
  endRequested(id: string, by: string, message: string): Promise<void> {
    const live = this.live.get(id);
    if (!live) return Promise.resolve();
    live.endedBy ??= by;
    return live.session.end('terminated', message);
  }

  closeAll(): Promise<void[]> {
    return Promise.all(
      [...this.live.values()].map((l) => l.session.end('shutdown', 'jitgate is shutting down.')),
    );
  }

  /** Called once by the session as it ends. */
  async ended(session: TerminalSession, ended: SessionEnded): Promise<void> {
    const live = this.live.get(session.id);
    this.live.delete(session.id);
    await live?.ssh.cleanup().catch(() => undefined);
    const outcome = ended.recording ? await ended.recording.finish() : undefined;
    if (!live) return;
    const { start } = live;
    const ref = {
      id: start.id,
      userId: start.user.id,
      grantId: start.grant.id,
      resourceId: start.resource.id,
      login: start.login,
    };
    await recordEnd(this.deps, ref, live.endedBy ?? live.start.user.id, {
      endedAt: ended.endedAt,
      endReason: ended.reason,
      recordingState: outcome?.state ?? 'off',
      checksum: outcome?.checksum ?? null,
      bytes: outcome?.bytes ?? null,
    }).catch((error: unknown) =>
      this.deps.log.error('session end not recorded', { session: session.id, error }),
    );
    this.deps.onCertificateEnded?.();
  }

  /**
   * After a crash of `previous` (the process that ran on this state folder before): seal the
   * recordings left open, and end the sessions it left live. Each ends at the last moment it was
   * known alive: the later of that process's last heartbeat and the recording's last event, never
   * the restart. Sessions of other processes (replicas still running) are left alone, and so is
   * every other recording: only one whose session was live can have been cut short by the crash.
   */
  async recover(previous: StoppedInstance | undefined): Promise<number> {
    const open = await this.deps.store.terminalSessions.liveOf(previous?.id ?? null);
    const recovered = await recoverOpenRecordings(this.deps, open);
    for (const row of open) {
      const sealed = recovered.get(row.id);
      // The recording's clock starts with the session (a few ms before its row's startedAt).
      const lastEvent = sealed ? row.startedAt + Math.round(sealed.duration * 1000) : 0;
      await recordEnd(this.deps, row, 'system', {
        endedAt: Math.max(row.startedAt, previous?.aliveAt ?? 0, lastEvent),
        endReason: 'proxy_stopped',
        recordingState: sealed ? 'recovered' : row.recording ? 'failed' : 'off',
        checksum: sealed?.sha256 ?? null,
        bytes: sealed?.bytes ?? null,
      });
    }
    if (recovered.size > 0)
      this.deps.log.warn('recovered unfinished recordings', { count: recovered.size });
    return open.length;
  }
}
