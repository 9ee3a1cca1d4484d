import type { DeliveryRepository } from '../notify/delivery-record.js';
import type { RequestRepository } from '../access/request-record.js';
import type { TokenRepository } from '../identity/token-record.js';
import type { BreakGlassRepository } from '../access/break-glass-record.js';
import type { AuditRepository } from '../audit/types.js';
import type { ChangeFeed } from './change-feed.js';
import type { CredentialRoleRepository } from '../credentials/role-record.js';
import type { MfaRepository } from '../identity/mfa/factor-record.js';
import type { SamlRepository } from '../identity/saml-record.js';
import type { TrailRepository } from '../trail/trail-repository.js';
import type { TerminalRelayRepository } from '../terminal/relay-record.js';
import type { TerminalSessionRepository } from '../terminal/session-record.js';
import type { SshCertificateRepository } from '../terminal/cert-record.js';

/**
 * The persistence contract. SQLite implements it today; a PostgreSQL backend implements the same
 * interface for several proxy replicas. Methods are async so both fit. Times are epoch ms.
 */
export type IdentityKind = 'person' | 'vendor' | 'machine';

export interface UserRecord {
  /** "<idp id>:<subject>": unique across identity providers. */
  id: string;
  idp: string;
  subject: string;
  username: string;
  email: string | null;
  name: string | null;
  groups: string[];
  kind: IdentityKind;
  /** String claims kept from the IdP for policy conditions. */
  claims?: Record<string, string>;
  lastLoginAt: number;
}

/** Which of a person's grants listForUser reads: the unended ones at `now`, and `recent` more. */
export interface UserGrantsBound {
  now: number;
  recent: number;
}

export interface GrantRecord {
  id: string;
  userId: string;
  resourceId: string;
  startsAt: number;
  endsAt: number;
  reason: string | null;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
  /** A self-granted emergency grant (break-glass): present only when true. */
  breakGlass?: true;
}

export interface SessionRow {
  id: string;
  /** JSON as written by express-session. */
  data: string;
  expiresAt: number;
}

export interface UserRepository {
  upsert(user: UserRecord): Promise<void>;
  get(id: string): Promise<UserRecord | undefined>;
  /** Users whose username, email or id equals `name` (case-insensitive). */
  findByName(name: string): Promise<UserRecord[]>;
}

/** Grants that were open at some moment of [from, to), of one resource and/or one person. */
export interface GrantPeriodFilter {
  from: number;
  to: number;
  resourceId?: string;
  userId?: string;
  /** At most this many, earliest start first. */
  limit: number;
}

export interface GrantRepository {
  insert(grant: GrantRecord): Promise<void>;
  get(id: string): Promise<GrantRecord | undefined>;
  /** Marks a grant revoked once; returns the updated grant, or undefined when unknown. */
  revoke(id: string, by: string, at: number): Promise<GrantRecord | undefined>;
  /** Grants not revoked whose end is after `now` (including ones scheduled to start later). */
  listLive(now: number): Promise<GrantRecord[]>;
  /**
   * Claims the recording of a grant's expiry: true for the one caller (of any replica) that
   * finds the grant ended by time at `at`, not revoked, and not yet claimed; false for all others.
   */
  claimExpiry(id: string, at: number): Promise<boolean>;
  /**
   * A person's grants, newest first: every one not yet ended (active or scheduled, however many)
   * and the `bound.recent` newest of all. Bounded: a machine identity that takes a grant per CI
   * job would otherwise read its whole history on every page and API call showing where it
   * stands (20,000 grants took 55-83 ms of synchronous SQLite, the whole gate waiting).
   */
  listForUser(userId: string, bound: UserGrantsBound): Promise<GrantRecord[]>;
  /**
   * The same claim as `claimExpiry`, for every grant whose end has come by `now` (not revoked)
   * and whose expiry nobody has recorded yet: marks them recorded and returns them. One
   * UPDATE … RETURNING, so each expiry is claimed once, by one replica; start-up uses it for the
   * grants that ended while jitgate was down (the grant book never held them).
   */
  claimExpired(now: number): Promise<GrantRecord[]>;
  /**
   * Grants whose start has come by `now` (not revoked) and whose start nobody has recorded yet
   * (those scheduled to start later than they were made): marks them recorded and returns them,
   * in start order. One UPDATE … RETURNING, so each start is announced once, by one replica.
   */
  claimStarted(now: number): Promise<GrantRecord[]>;
  /**
   * Grants that started before `to` and ended (by expiry, release or revoke) after `from`,
   * ordered by start then id: what an access review of the period covers.
   */
  listInPeriod(filter: GrantPeriodFilter): Promise<GrantRecord[]>;
}

/**
 * Login sessions. A session that ended stays ended: rows are inserted only by the code that
 * starts a session (`create`, with a new random id), and every later write (`update`, `touch`)
 * is one conditional UPDATE of a row that still exists and has not expired. A request that
 * loaded a session before a logout (or before a login or step-up gave it a new id) can
 * therefore never write it back, whichever replica it runs on.
 */
export interface SessionRepository {
  get(id: string): Promise<SessionRow | undefined>;
  /** Inserts a new session; never overwrites: false when the id exists. */
  create(row: SessionRow): Promise<boolean>;
  /** Writes a live session (exists, expires after `now`); false when it is gone. */
  update(row: SessionRow, now: number): Promise<boolean>;
  destroy(id: string): Promise<void>;
  /**
   * Ends every session of `userId` (the `user.id` in its JSON) in one DELETE … RETURNING: the
   * ids of the sessions ended, so each replica's caches can drop them.
   */
  destroyByUser(userId: string): Promise<string[]>;
  /** Moves the expiry of a live session (exists, expires after `now`); nothing otherwise. */
  touch(id: string, expiresAt: number, now: number): Promise<void>;
  purgeExpired(now: number): Promise<number>;
}

/** What a one-time code is for; each kind is its own namespace. */
export type OneTimeCodeKind =
  /** Carries a portal session to an app host (identity/app-handoff.ts). */
  | 'app-handoff'
  /** A passkey ceremony's challenge (identity/mfa/webauthn.ts). */
  | 'webauthn-challenge'
  /** `jitgate login`'s authorization code (api/cli-login-routes.ts). */
  | 'cli-login'
  /** The browser extension's authorization code (api/extension-logins.ts). */
  | 'extension-login'
  /** The browser extension's refresh token, rotated at each use. */
  | 'extension-refresh';

/**
 * Something that may be used once, within a short time, on any replica: codes, challenges,
 * refresh tokens. Only a hash of the secret is stored.
 */
export interface OneTimeCode {
  kind: OneTimeCodeKind;
  /** SHA-256 (base64url) of the code; the code itself is never stored. */
  codeHash: string;
  /** The person it is for, so that ending their sessions ends it too; null when nobody's yet. */
  userId: string | null;
  /** What the issuer needs back when it is redeemed, as JSON. */
  payload: string;
  expiresAt: number;
}

export interface OneTimeCodeRepository {
  /** Stores a code; one of the same kind and hash is replaced (a new challenge replaces the old). */
  put(code: OneTimeCode): Promise<void>;
  /**
   * Takes a code: deletes it, and returns it when it had not expired at `now`. One statement
   * (DELETE … RETURNING), so of any number of callers, on any replica, at most one gets it.
   */
  redeem(kind: OneTimeCodeKind, codeHash: string, now: number): Promise<OneTimeCode | undefined>;
  /** A code if it is live at `now`, left in place (`redeem` takes it). */
  find(kind: OneTimeCodeKind, codeHash: string, now: number): Promise<OneTimeCode | undefined>;
  /** How many codes of a kind are outstanding at `now` (to bound them). */
  countLive(kind: OneTimeCodeKind, now: number): Promise<number>;
  /** Deletes every code of a person (their sessions were ended); returns how many. */
  deleteForUser(userId: string): Promise<number>;
  purgeExpired(now: number): Promise<number>;
}

/** A key's count in its current window, after a hit. */
export interface RateLimitCount {
  /** Events of the key in the window, the one just counted included. */
  count: number;
  /** When the window ends (ms); it began at the key's first event after the last one ended. */
  resetAt: number;
}

/**
 * Counters of events per key in fixed windows (sign-in starts and failures per client address),
 * shared by every replica, so N replicas allow what one does. Not for the proxied hot path.
 */
export interface RateLimitRepository {
  /**
   * Counts one event of `key` at `now`: a new window of `windowMs` when the key has none live.
   * One upsert … RETURNING, so concurrent hits on any replica are each counted once.
   */
  hit(key: string, windowMs: number, now: number): Promise<RateLimitCount>;
  /**
   * `hit(key, …)` unless `guard.key`'s live window at `now` already counts `guard.max` events:
   * then nothing is counted and that window is returned (`spent`). One call (one statement on
   * PostgreSQL), so a check and a count cost one round trip and nothing comes between them.
   */
  hitUnlessSpent(
    key: string,
    windowMs: number,
    now: number,
    guard: { key: string; max: number },
  ): Promise<{ hit: RateLimitCount } | { spent: RateLimitCount }>;
  /** The key's live window at `now`, if any (nothing is counted). */
  peek(key: string, now: number): Promise<RateLimitCount | undefined>;
  /** Deletes windows that ended by `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** Small named values the proxy keeps across restarts: keys, secrets' hashes. */
/** One standing-privilege finding a target reported (credentials/ssh-standing.ts). */
export interface StandingFindingRecord {
  kind: string;
  principal: string | null;
  detail: string;
}

/** What an SSH target's agent last reported, per resource (the newest replaces the one before). */
export interface StandingReportRecord {
  resourceId: string;
  findings: StandingFindingRecord[];
  reportedAt: number;
}

/** Standing privilege that SSH targets report: read by every replica, written by one upsert. */
export interface StandingReportRepository {
  /** Replaces the resource's last report. */
  put(report: StandingReportRecord): Promise<void>;
  /** Every resource's last report, by resource id. */
  list(): Promise<StandingReportRecord[]>;
}

export interface SettingRepository {
  get(name: string): Promise<string | undefined>;
  /** Stores `value` unless `name` exists; returns the stored value either way. */
  putIfAbsent(name: string, value: string): Promise<string>;
}

/**
 * Running jitgate processes and the last moment each was known alive. A process beats every
 * second; after a crash, the next process on the same state folder ends what the crashed one
 * left open (trail rows, terminal sessions) at its last beat, not at the restart.
 */
export interface InstanceRepository {
  /**
   * Records that `id` is alive at `at` (adding it the first time). A real write, one row, in
   * its own transaction: readiness relies on it failing when the store cannot be written. Never
   * call it inside `atomic()` (SQLite writes it on a connection of its own, which would wait for
   * that transaction to end).
   */
  beat(id: string, at: number): Promise<void>;
  /** When `id` last beat; undefined for an id never seen or forgotten. */
  aliveAt(id: string): Promise<number | undefined>;
  /** Forgets `id` once what it left open has been ended. */
  forget(id: string): Promise<void>;
}

/**
 * A sealed terminal recording (the asciicast file and its signed sidecar, as JSON text), kept
 * where every replica can play it back and verify it, whichever one recorded the session.
 */
export interface StoredRecording {
  id: string;
  cast: Buffer;
  signature: string;
  storedAt: number;
}

export interface RecordingRepository {
  /**
   * Keeps a sealed recording. A recording is never rewritten: a second put of the same id keeps
   * the first and resolves false (a crash between sealing and storing makes a replay harmless).
   */
  put(recording: StoredRecording): Promise<boolean>;
  get(id: string): Promise<StoredRecording | undefined>;
  /** The sidecar's JSON alone, without reading the recording; undefined when there is none. */
  signature(id: string): Promise<string | undefined>;
  /** The cast in order, a piece at a time as they are asked for; nothing for an unknown id. */
  chunks(id: string): AsyncIterable<Buffer>;
}

/** A process that stopped, and its last heartbeat (undefined: it never beat). */
export interface StoppedInstance {
  id: string;
  aliveAt: number | undefined;
}

export type ExclusiveJob = 'retention' | 'reaper';

export interface Store {
  /** Writes of other replicas, as they commit (change-feed.ts); started by the server. */
  readonly changes: ChangeFeed;
  readonly users: UserRepository;
  readonly grants: GrantRepository;
  readonly sessions: SessionRepository;
  readonly settings: SettingRepository;
  readonly audit: AuditRepository;
  readonly requests: RequestRepository;
  readonly tokens: TokenRepository;
  readonly deliveries: DeliveryRepository;
  readonly mfa: MfaRepository;
  /** The web session trail (per-request rows under grants). */
  readonly trail: TrailRepository;
  /** Terminal sessions (recorded under <state>/recordings; on PostgreSQL sealed ones also in `recordings`). */
  readonly terminalSessions: TerminalSessionRepository;
  /** What replicas tell each other of terminal sessions: stop requests, watches, relayed output. */
  readonly terminalRelay: TerminalRelayRepository;
  /** Sealed terminal recordings, readable from every replica. */
  readonly recordings: RecordingRepository;
  /** Database roles minted for grants (the reaper's ledger). */
  readonly credentialRoles: CredentialRoleRepository;
  /** Running processes and their heartbeats. */
  readonly instances: InstanceRepository;
  /** SSH user certificates issued (the revocation list is made from them). */
  readonly sshCertificates: SshCertificateRepository;
  /** SAML logins: AuthnRequests browsers started, assertions already used (both expire). */
  readonly saml: SamlRepository;
  /** Codes, challenges and refresh tokens that are redeemed once, across replicas. */
  readonly oneTimeCodes: OneTimeCodeRepository;
  /** Break-glass grants' incidents and post-hoc reviews. */
  readonly breakGlass: BreakGlassRepository;
  /** Standing privilege the SSH targets' agents last reported. */
  readonly standingReports: StandingReportRepository;
  /** Sign-in rate limit counters, shared by every replica. */
  readonly rateLimits: RateLimitRepository;
  /**
   * Runs `work` as one transaction, serialized with every other `atomic` call: it all commits or
   * none of it does. This is how an action and the audit event that records it stay together,
   * and why the audit chain never forks. `work` must only await this store (no network).
   *
   * When it fails, **the original error wins**: the caller gets the error that broke the
   * transaction (SQLITE_FULL, a unique violation, a thrown JitgateError), never one from cleaning
   * up after it. A backend may find the transaction already ended (SQLite rolls back by itself on
   * a full disk; PostgreSQL aborts it on any error), so it rolls back only what is still open, and
   * a rollback that fails is logged beside the cause, not thrown in its place.
   */
  atomic<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` unless another replica is running the job of the same name (a PostgreSQL
   * advisory lock held for the run; freed if that replica dies). Resolves false when skipped.
   * For jobs that must run once across replicas: trail retention, the credential reaper.
   */
  exclusive(job: ExclusiveJob, work: () => Promise<unknown>): Promise<boolean>;
  /** Throws when the backend cannot answer (the caller answers 503). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
