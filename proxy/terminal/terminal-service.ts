/**
 * Opening a terminal session, in the order that keeps it fail-closed: the resource, the login,
 * a live grant, the policy's step-up, a slot among the person's sessions here, then the
 * recording (a `required` one that cannot start refuses the session), a fresh key pair kept in
 * memory and a certificate that is valid only for the login (a few minutes, never past the
 * grant, from the relay's addresses when configured, and on the revocation list once the session
 * ends), the ssh client in a pty, and last the store rows with their audit events in one
 * transaction (an audit write that fails stops the session before anyone typed into it).
 */
import { isLive, type GrantBook } from '../access/grant-book.js';
import { grantPolicy } from '../access/grant-policy.js';
import { requireStepUp, type Assurance } from '../access/step-up.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config, PolicyConfig, SshResourceConfig } from '../config/schema.js';
import type { SessionUser } from '../identity/session-user.js';
import { JitgateError, badRequest, forbidden, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { GrantRecord, Store } from '../store/types.js';
import { newRecordingId, type RecordingStorage } from '../../recorder/asciicast/index.js';
import { certificateKeyId } from './cert-audit.js';
import { PersonSlots } from './person-slots.js';
import { RemoteSessions } from './remote-sessions.js';
import { SessionEnding } from './session-ending.js';
import { SessionRecording } from './session-recording.js';
import { launchSsh, type SshProcess } from './ssh-client.js';
import type { SshCertificateAuthority } from './ssh-ca.js';
import { newEd25519 } from './ssh-keys.js';
import { TerminalSession } from './terminal-session.js';

/**
 * How long a relay certificate is valid: only the login needs it (an open session does not), so
 * a few minutes covers a slow handshake and a target's clock running ahead.
 */
export const RELAY_CERTIFICATE_MS = 5 * 60_000;

export interface TerminalServiceDeps {
  config: Pick<Config, 'resources' | 'policies' | 'terminal'>;
  /** Where session folders go (ssh-client.ts runFolder()). */
  runDir: string;
  /** A session's certificate has ended: the revocation list must be made again. */
  onCertificateEnded?: () => void;
  store: Store;
  book: GrantBook;
  audit: AuditLog;
  ca: SshCertificateAuthority;
  storage: RecordingStorage;
  log: Logger;
  now: () => number;
  /** This process's id, on the rows of the sessions it runs. */
  instance: string;
  /** Whether a sign-in (of that person) still holds; rejects when the store cannot say. */
  signInHolds: (credential: string, userId: string) => Promise<boolean>;
}

export interface OpenRequest {
  user: SessionUser;
  resourceId: string;
  /** Omitted: the resource's only login. */
  login: string | undefined;
  cols: number;
  rows: number;
  via: 'web' | 'cli';
  /** The sign-in it is opened with; the session ends with it (SessionEnding.endCredential). */
  credential: string;
  assurance: Assurance;
}

export class TerminalService {
  readonly ending: SessionEnding;
  /** Each person's sessions open here, bounded by `terminal.maxSessionsPerPerson`. */
  private readonly slots: PersonSlots;
  /** Watching and terminating from any replica (the sessions held elsewhere, through the store). */
  readonly remote: RemoteSessions;

  constructor(private readonly deps: TerminalServiceDeps) {
    this.ending = new SessionEnding(deps);
    this.slots = new PersonSlots(deps.config.terminal.maxSessionsPerPerson);
    this.remote = new RemoteSessions({ ...deps, ending: this.ending });
    deps.book.onEnd((grant, reason) => {
      const how = reason === 'expired' ? 'over: the grant expired' : reason;
      const message = `Your access to ${grant.resourceId} was ${how}. The session has ended.`;
      this.ending.endGrant(grant.id, reason, message);
    });
  }

  resource(id: string): SshResourceConfig {
    const resource = this.deps.config.resources.find((r) => r.id === id);
    if (!resource || resource.kind !== 'ssh')
      throw notFound('unknown_resource', `no SSH resource "${id}"`);
    return resource;
  }

  /** The login to use: the one asked for when the resource allows it, else its only one. */
  loginFor(resource: SshResourceConfig, asked: string | undefined): string {
    if (asked === undefined || asked === '') {
      if (resource.logins.length === 1) return resource.logins[0] ?? '';
      throw badRequest('login_required', `choose a login: ${resource.logins.join(', ')}`);
    }
    if (!resource.logins.includes(asked))
      throw forbidden(
        'login_not_allowed',
        `${resource.id} allows the logins ${resource.logins.join(', ')}`,
      );
    return asked;
  }

  /** The live grant, and the policy it was given under (none for grants made by an admin). */
  async admit(user: SessionUser, resource: SshResourceConfig, assurance: Assurance) {
    const grant = await this.deps.book.findLiveGrant(user.id, resource.id, this.deps.now);
    if (!grant) throw forbidden('no_grant', `you have no live grant for ${resource.id}`);
    const policy = await grantPolicy(this.deps.store, this.deps.config.policies, grant);
    requireStepUp('terminal', policy?.mfa.terminal ?? false, assurance);
    return { grant, policy };
  }

  async open(request: OpenRequest): Promise<TerminalSession> {
    const resource = this.resource(request.resourceId);
    const login = this.loginFor(resource, request.login);
    const { grant, policy } = await this.admit(request.user, resource, request.assurance);
    const giveBack = this.slots.take(request.user.id);
    try {
      return await this.start(request, resource, login, grant, policy, giveBack);
    } catch (error) {
      giveBack();
      throw error;
    }
  }

  /** Sets up an admitted session; `giveBack` returns its person's slot once it has ended. */
  private async start(
    request: OpenRequest,
    resource: SshResourceConfig,
    login: string,
    grant: GrantRecord,
    policy: PolicyConfig | undefined,
    giveBack: () => void,
  ): Promise<TerminalSession> {
    const { user } = request;
    const id = newRecordingId();
    const recording = await this.startRecording(id, request, resource, login, grant, policy);
    let ssh: SshProcess | undefined;
    try {
      const key = newEd25519();
      const now = this.deps.now();
      const certificate = this.deps.ca.mint({
        publicKey: key.publicKey,
        principal: login,
        keyId: certificateKeyId(user.id, grant.id),
        now,
        validBefore: Math.min(grant.endsAt, now + RELAY_CERTIFICATE_MS),
        sourceAddresses: this.deps.config.terminal.relaySourceAddresses,
        purpose: 'relay',
      });
      ssh = await launchSsh({
        resource,
        account: resource.accounts[login] ?? login,
        privateKey: key.privateKey,
        certificateLine: certificate.line,
        runDir: this.deps.runDir,
        cols: request.cols,
        rows: request.rows,
        sshCommand: this.deps.config.terminal.sshCommand,
      });
      const session = new TerminalSession({
        id,
        resource: resource.id,
        login,
        endsAt: grant.endsAt,
        cols: request.cols,
        rows: request.rows,
        pty: ssh.pty,
        recording,
        recordInput: resource.recordInput,
        idleTimeoutMs: resource.idleTimeout,
        now: this.deps.now,
        onEnded: (ended, summary) => {
          giveBack();
          return this.ending.ended(ended, summary);
        },
      });
      await this.ending.started(session, ssh, request.credential, {
        id,
        user,
        resource,
        login,
        grant,
        via: request.via,
        startedAt: now,
        recording: recording?.file ?? null,
        certificate,
        instance: this.deps.instance,
      });
      this.endIfGrantEnded(session, grant);
      return session;
    } catch (error) {
      ssh?.pty.kill('SIGKILL');
      await ssh?.cleanup();
      await recording?.finish();
      throw error;
    }
  }

  /**
   * A revoke or expiry that came while the session was being set up (recording, certificate,
   * ssh, its row) found nothing to end: the session had not joined the live ones yet. Asked
   * once it has (synchronously, so no end can slip between): the grant must still be in the book
   * and live. Every later end reaches it through endGrant.
   */
  private endIfGrantEnded(session: TerminalSession, grant: GrantRecord): void {
    const now = this.deps.now();
    const current = this.deps.book.get(grant.id);
    if (current && isLive(current, now)) return;
    const expired = grant.endsAt <= now;
    const message = `Your access to ${grant.resourceId} was ${expired ? 'over: the grant expired' : 'revoked'}. The session has ended.`;
    void session.end(expired ? 'expired' : 'revoked', message);
  }

  private async startRecording(
    id: string,
    request: OpenRequest,
    resource: SshResourceConfig,
    login: string,
    grant: GrantRecord,
    policy: PolicyConfig | undefined,
  ): Promise<SessionRecording | null> {
    const required =
      resource.recording === 'required' ||
      policy?.recording === 'required' ||
      request.user.kind === 'vendor';
    const header = {
      version: 2 as const,
      width: request.cols,
      height: request.rows,
      timestamp: Math.floor(this.deps.now() / 1000),
      env: { TERM: 'xterm-256color', SHELL: '/bin/sh' },
      title: `${request.user.username} on ${resource.id} as ${login}`,
      jitgate: {
        session: id,
        user: request.user.id,
        resource: resource.id,
        login,
        grant: grant.id,
      },
    };
    try {
      return await SessionRecording.start(this.deps.storage, id, header, (error) =>
        this.ending.recordingFailed(id, required, error),
      );
    } catch (error) {
      this.deps.log.error('recording could not start', { session: id, error: error as Error });
      if (required)
        throw new JitgateError(
          503,
          'recording_unavailable',
          'this session must be recorded and recording cannot start now',
          { cause: error },
        );
      return null;
    }
  }
}
