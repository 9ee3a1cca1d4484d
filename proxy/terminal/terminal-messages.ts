/**
 * What a terminal session says to its peers (the person's terminal and auditors' live views) and
 * how it ends: the WebSocket protocol's control messages and the end reasons stored and audited.
 * Terminal bytes travel as binary frames; these travel as JSON text frames.
 */
import type { SessionRecording } from './session-recording.js';

export const END_REASONS = [
  'exit',
  'client_closed',
  'revoked',
  'expired',
  'idle',
  'terminated',
  'signed_out',
  'recording_failed',
  'shutdown',
] as const;

export type EndReason = (typeof END_REASONS)[number];

export const isEndReason = (value: unknown): value is EndReason =>
  END_REASONS.includes(value as EndReason);

/**
 * Why a live view at another replica ended without the holder's word: the holder went silent
 * (`holder_gone`), or the session ended for a reason this view cannot name (`unknown`).
 */
export type ViewEndReason = 'holder_gone' | 'unknown';

export type ServerMessage =
  | {
      type: 'ready';
      session: string;
      resource: string;
      login: string;
      recording: boolean;
      endsAt: number;
      cols: number;
      rows: number;
    }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'ended'; reason: EndReason | ViewEndReason; message: string };

/** The far end of a WebSocket: the person's terminal, or a watcher's. */
export interface TerminalPeer {
  output(data: string): void;
  control(message: ServerMessage): void;
  close(): void;
  /** Bytes queued towards the peer and not yet sent. */
  backlog(): number;
}

export interface SessionEnded {
  reason: EndReason;
  message: string;
  endedAt: number;
  recording: SessionRecording | null;
}
