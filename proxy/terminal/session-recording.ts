/**
 * A terminal session's recording, between the session and the recorder's storage: started before
 * the session (a recording that cannot start refuses a `required` session), failed at most once
 * (the service decides whether the session ends), and sealed at the end.
 */
import type {
  CastHeader,
  CastWriter,
  RecordingStorage,
  StartedRecording,
} from '../../recorder/asciicast/index.js';
import type { RecordingState } from './session-record.js';

export interface RecordingOutcome {
  state: Extract<RecordingState, 'complete' | 'failed'>;
  checksum: string | null;
  bytes: number | null;
  /** Why it failed; never shown to the person beyond "recording failed". */
  error?: Error;
}

export class SessionRecording {
  private drainListener: () => void = () => undefined;
  failure: Error | undefined;

  private constructor(
    private readonly storage: RecordingStorage,
    private readonly started: StartedRecording,
  ) {}

  /** Starts the file (header written and synced); `onFailure` hears a later write failure. */
  static async start(
    storage: RecordingStorage,
    id: string,
    header: CastHeader,
    onFailure: (error: Error) => void,
  ): Promise<SessionRecording> {
    // The writer's callbacks need the recording, which needs the writer: a late-bound holder.
    const holder: { recording?: SessionRecording } = {};
    const started = await storage.start(id, header, {
      onError: (error) => {
        if (holder.recording) holder.recording.failure = error;
        onFailure(error);
      },
      onDrain: () => holder.recording?.drainListener(),
    });
    holder.recording = new SessionRecording(storage, started);
    return holder.recording;
  }

  get writer(): CastWriter {
    return this.started.writer;
  }

  get file(): string {
    return this.started.file;
  }

  onDrain(listener: () => void): void {
    this.drainListener = listener;
  }

  behind(): boolean {
    return this.writer.congested;
  }

  /** Closes and seals the file. A recording that failed keeps what reached the disk, unsealed. */
  async finish(): Promise<RecordingOutcome> {
    if (this.failure) {
      await this.writer.close().catch(() => undefined);
      return { state: 'failed', checksum: null, bytes: null, error: this.failure };
    }
    try {
      const sealed = await this.storage.finish(this.started);
      return { state: 'complete', checksum: sealed.sha256, bytes: sealed.bytes };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      return { state: 'failed', checksum: null, bytes: null, error: failure };
    }
  }
}
