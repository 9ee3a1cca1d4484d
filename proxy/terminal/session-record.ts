/**
 * Terminal sessions as the store keeps them, for the auditors' list: who, where, as which login,
 * under which grant, when, and the state and checksum of the recording. Every store backend
 * implements TerminalSessionRepository.
 */
export type SessionState = 'live' | 'ended';
/** recording: being written; complete/recovered: sealed; failed: broke off; off: not recorded. */
export type RecordingState = 'recording' | 'complete' | 'recovered' | 'failed' | 'off';

export interface TerminalSessionRecord {
  /** Server-made, also the recording's id ("ts_…"). */
  id: string;
  userId: string;
  resourceId: string;
  login: string;
  grantId: string;
  via: 'web' | 'cli';
  startedAt: number;
  endedAt: number | null;
  /** Why it ended: exit, revoked, expired, idle, terminated, recording_failed, … */
  endReason: string | null;
  state: SessionState;
  recordingState: RecordingState;
  /** File name under the recordings folder; null when not recorded. */
  recording: string | null;
  /** SHA-256 (hex) of the sealed recording. */
  checksum: string | null;
  bytes: number | null;
  /** The jitgate process running it (null on rows older than instances). */
  instance: string | null;
}

export interface SessionEnd {
  endedAt: number;
  endReason: string;
  recordingState: RecordingState;
  checksum: string | null;
  bytes: number | null;
}

export interface TerminalSessionFilter {
  /** Any of these people (user ids); an empty list matches nobody. */
  userIds?: readonly string[];
  resourceId?: string;
  /** Started at or after (epoch ms). */
  from?: number;
  /** Started before (epoch ms). */
  to?: number;
  state?: SessionState;
  /** Newest first; only sessions that started before this one's start (paging). */
  beforeStartedAt?: number;
  limit: number;
}

export interface TerminalSessionRepository {
  insert(session: TerminalSessionRecord): Promise<void>;
  /** Ends a live session once; returns the updated row, or undefined when unknown or ended. */
  end(id: string, end: SessionEnd): Promise<TerminalSessionRecord | undefined>;
  get(id: string): Promise<TerminalSessionRecord | undefined>;
  /**
   * Live sessions run by `instance`, and those from before instances were recorded (null): the
   * ones a crash of that process left open. Never another process's.
   */
  liveOf(instance: string | null): Promise<TerminalSessionRecord[]>;
  list(filter: TerminalSessionFilter): Promise<TerminalSessionRecord[]>;
}
