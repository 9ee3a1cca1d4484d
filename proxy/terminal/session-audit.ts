/**
 * A terminal session's store row and audit events, written together in one transaction: at the
 * start the row, its certificate's row (what the revocation list is made from), `credential.minted`
 * (the certificate, never its key) and `session.started`; at the end the row's end, the
 * certificate's end (it goes on the revocation list) and `session.ended` with the recording's
 * state and checksum. If the audit write fails, so does the action it records.
 */
import type { AuditLog } from '../audit/audit-log.js';
import type { SshResourceConfig } from '../config/schema.js';
import type { SessionUser } from '../identity/session-user.js';
import type { GrantRecord, Store } from '../store/types.js';
import { mintedCertificateData } from './cert-audit.js';
import type { SessionEnd, TerminalSessionRecord } from './session-record.js';
import type { UserCertificate } from './ssh-cert.js';

export interface SessionStart {
  id: string;
  user: SessionUser;
  resource: SshResourceConfig;
  login: string;
  grant: GrantRecord;
  via: 'web' | 'cli';
  startedAt: number;
  recording: string | null;
  certificate: UserCertificate;
  /** The jitgate process running it. */
  instance: string;
}

/** `userId`: whose session it was (the actor may be an auditor who ended it, or the system). */
export type SessionRef = Pick<
  TerminalSessionRecord,
  'id' | 'userId' | 'grantId' | 'resourceId' | 'login'
>;

interface Deps {
  store: Store;
  audit: AuditLog;
}

export async function recordStart({ store, audit }: Deps, start: SessionStart): Promise<void> {
  const { certificate: cert } = start;
  await store.atomic(async () => {
    await store.terminalSessions.insert({
      id: start.id,
      userId: start.user.id,
      resourceId: start.resource.id,
      login: start.login,
      grantId: start.grant.id,
      via: start.via,
      startedAt: start.startedAt,
      endedAt: null,
      endReason: null,
      state: 'live',
      recordingState: start.recording ? 'recording' : 'off',
      recording: start.recording,
      checksum: null,
      bytes: null,
      instance: start.instance,
    });
    await store.sshCertificates.insert({
      serial: cert.serial.toString(),
      grantId: start.grant.id,
      sessionId: start.id,
      keyId: cert.keyId,
      purpose: 'relay',
      createdAt: start.startedAt,
      validBefore: cert.validBefore,
      endedAt: null,
    });
    const base = { session: start.id, grant: start.grant.id, login: start.login };
    await audit.append({
      code: 'credential.minted',
      actor: start.user.id,
      target: start.resource.id,
      data: mintedCertificateData(cert, base),
    });
    await audit.append({
      code: 'session.started',
      actor: start.user.id,
      target: start.resource.id,
      data: { ...base, kind: 'terminal', via: start.via, recorded: start.recording !== null },
    });
  });
}

export async function recordEnd(
  { store, audit }: Deps,
  ref: SessionRef,
  actor: string,
  end: SessionEnd,
): Promise<void> {
  await store.atomic(async () => {
    await store.terminalSessions.end(ref.id, end);
    await store.sshCertificates.endForSession(ref.id, end.endedAt);
    await audit.append({
      code: 'session.ended',
      actor,
      target: ref.resourceId,
      reason: end.endReason,
      data: {
        session: ref.id,
        user: ref.userId,
        grant: ref.grantId,
        login: ref.login,
        recording: end.recordingState,
        sha256: end.checksum,
        bytes: end.bytes,
      },
    });
  });
}
