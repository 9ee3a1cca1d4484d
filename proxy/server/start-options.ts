/** What `startJitgate` (start.ts) is given, and what it hands back. */
import type { RequestHandler } from 'express';
import type { AccessEvents } from '../access/events.js';
import type { GrantEnding } from '../access/grant-ending.js';
import type { GrantService } from '../access/grant-service.js';
import type { RequestService } from '../access/request-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { CastFiles } from '../../recorder/asciicast/index.js';
import type { TrailService } from '../trail/trail-service.js';
import type { BreakGlassWiring } from './break-glass-wiring.js';
import type { HttpServer } from './http-server.js';
import type { TerminalWiring } from './terminal-wiring.js';

export interface StartOptions {
  config: Config;
  log?: Logger;
  now?: () => number;
  /** A server already listening (the demo binds first to learn its port); else one is created. */
  http?: HttpServer;
  /** Extra Express mounts outside jitgate's session (the demo IdP). */
  mounts?: [string, RequestHandler][];
  /** Where the config came from (a file path, "demo"); recorded in the config.loaded event. */
  configSource?: string;
  /** Where terminal recordings are written (tests hand in files that fail on cue). */
  recordingFiles?: CastFiles;
  /**
   * The folder of this process's own files (its instance id, in-progress recordings, ssh-run);
   * default the state folder. Workers on one state folder each have one (workers/worker.ts), kept
   * across restarts so a replacement ends what the worker before it left open.
   */
  instanceDir?: string;
}

export interface RunningJitgate {
  url: string;
  port: number;
  store: Store;
  grants: GrantService;
  requests: RequestService;
  grantEnding: GrantEnding;
  events: AccessEvents;
  audit: AuditLog;
  /** The web session trail: write what is queued now; run retention now. */
  trail: Pick<TrailService, 'flush' | 'retention'>;
  /** The SSH user CA, recordings and terminal sessions. */
  terminals: Pick<TerminalWiring, 'ca' | 'storage' | 'service'>;
  /** Break-glass grants; `sweep()` flags overdue reviews now. */
  breakGlass: Pick<BreakGlassWiring, 'service' | 'sweep'>;
  close(): Promise<void>;
}
