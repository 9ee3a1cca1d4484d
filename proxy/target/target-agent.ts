/**
 * `jitgate target-agent`, the half of the jitgate guard that runs on an SSH target (as root, beside
 * sshd; the other half is the sshd hook). Every `everyMs` it
 *
 * 1. fetches jitgate's revocation list (GET /ssh/revoked-keys, an OpenSSH KRL) and, when it
 *    changed, writes it atomically to the file sshd's `RevokedKeys` names, so sshd refuses a
 *    revoked certificate at the next login;
 * 2. ends the connections (the sshd process the hook recorded, and everything below it) made with
 *    a direct certificate that is on that list or past its valid-before — the second check needs
 *    no jitgate. A relay certificate's connection is jitgate's own, and left to jitgate
 *    (ending-verdict.ts).
 *
 * With `--standing RESOURCE` it also reports, every `standing.everyMs`, the standing SSH access it
 * finds on the host (standing-facts.ts) to POST /ssh/standing-report, with the resource's agent
 * token: fingerprints and account names only, never a key or anything private.
 *
 * A list that cannot be fetched or read leaves the last good file in place (and no file at all
 * means sshd refuses every key: fail closed). The bound for a revoked certificate, both for new
 * logins and open sessions, is one interval plus a request.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import { readRevocationList } from '../terminal/ssh-krl.js';
import { endingReason } from './ending-verdict.js';
import { isSshd, killTree, startTimeOf } from './processes.js';
import { forget, readRegistry, type RegisteredSession } from './session-registry.js';
import { standingFacts, type StandingFactsOptions } from './standing-facts.js';

export interface TargetAgentOptions {
  /** jitgate's origin, e.g. https://access.example.com. */
  url: string;
  /** The file sshd_config's RevokedKeys names. */
  revokedKeysFile: string;
  /** The folder the sshd hook records sessions in. */
  sessionsDir: string;
  everyMs: number;
  /** Report standing SSH access for this resource, with its agent token. */
  standing?: StandingFactsOptions & { token: string; everyMs: number };
  log: Logger;
  now?: () => number;
}

export class TargetAgent {
  private etag: string | undefined;
  private revoked = new Set<bigint>();
  private timer: NodeJS.Timeout | undefined;
  private standingTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TargetAgentOptions) {
    this.now = options.now ?? Date.now;
  }

  /** One pass now, then one every interval. */
  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.options.everyMs);
    this.timer.unref();
    const standing = this.options.standing;
    if (!standing) return;
    const report = () =>
      void this.reportStanding().catch((error: unknown) =>
        this.options.log.warn('standing privilege report not sent', { error }),
      );
    report();
    this.standingTimer = setInterval(report, standing.everyMs);
    this.standingTimer.unref();
  }

  /** Collects the host's standing SSH access and sends it to jitgate (one report). */
  async reportStanding(): Promise<void> {
    const standing = this.options.standing;
    if (!standing) return;
    const facts = await standingFacts(standing);
    const response = await fetch(new URL('/ssh/standing-report', this.options.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${standing.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(facts),
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status !== 204) throw new Error(`jitgate answered ${response.status}`);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.standingTimer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Resolves once a whole pass that began after this call is done: what jitgate changed before
   * the call (a revoke) is then in the RevokedKeys file and its sessions have ended. A pass under
   * way may have fetched the list before the change, so it does not count.
   */
  async nextPass(): Promise<void> {
    await this.running;
    await this.sync();
  }

  /** Fetch the list, then end what it (or the clock) ends. Overlapping calls share one pass. */
  sync(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    await this.fetchList().catch((error: unknown) =>
      this.options.log.warn('revocation list not fetched; keeping the last one', { error }),
    );
    this.sweep();
  }

  private async fetchList(): Promise<void> {
    const response = await fetch(new URL('/ssh/revoked-keys', this.options.url), {
      headers: this.etag ? { 'if-none-match': this.etag } : {},
      signal: AbortSignal.timeout(Math.max(1000, this.options.everyMs * 5)),
    });
    if (response.status === 304) return;
    if (response.status !== 200) throw new Error(`jitgate answered ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const list = readRevocationList(bytes); // refuses anything that is not a KRL of ours
    const file = this.options.revokedKeysFile;
    const temporary = join(dirname(file), `.jitgate-krl-${process.pid}`);
    writeFileSync(temporary, bytes, { mode: 0o644 });
    renameSync(temporary, file);
    this.revoked = list.serials;
    this.etag = response.headers.get('etag') ?? undefined;
  }

  private sweep(): void {
    const now = this.now();
    let sessions: RegisteredSession[];
    try {
      sessions = readRegistry(this.options.sessionsDir);
    } catch (error) {
      return this.options.log.error('session registry unreadable', { error });
    }
    for (const session of sessions) {
      if (startTimeOf(session.pid) !== session.startTime || !isSshd(session.pid)) {
        // The connection is over (or its pid belongs to someone else now), or it never was one.
        forget(session);
        continue;
      }
      const why = endingReason(session, this.revoked, now);
      if (!why) continue;
      const killed = killTree(session.pid);
      forget(session);
      this.options.log.info('ssh session ended', {
        serial: session.serial.toString(),
        account: session.account,
        pid: session.pid,
        why,
        processes: killed,
      });
    }
  }
}
