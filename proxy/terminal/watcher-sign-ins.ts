/**
 * The live views open on this replica (auditors watching a session, held here or relayed from
 * another replica) and the sign-in each was opened with. A view lasts as long as its sign-in:
 * when that ends (a logout, a revoked token, an admin ending the person's sessions), here or on
 * another replica, the view closes, as a terminal session opened with it ends.
 */

interface Watcher {
  credential: string;
  userId: string;
  close(): void;
}

export class WatcherSignIns {
  private readonly watchers = new Set<Watcher>();

  /** A view opened with `credential` by `userId`; resolves how to forget it (it closed). */
  add(credential: string, userId: string, close: () => void): () => void {
    const watcher = { credential, userId, close };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  get count(): number {
    return this.watchers.size;
  }

  /** The sign-in `credential` ended here: its views close now. */
  endCredential(credential: string): void {
    for (const watcher of [...this.watchers])
      if (watcher.credential === credential) this.end(watcher);
  }

  /**
   * Closes the views whose sign-in no longer holds (a logout on another replica). A sign-in
   * that cannot be checked now is given the benefit until the next check, as for sessions.
   */
  async checkCredentials(holds: (credential: string, userId: string) => Promise<boolean>) {
    for (const watcher of [...this.watchers]) {
      const valid = await holds(watcher.credential, watcher.userId).catch(() => true);
      if (!valid) this.end(watcher);
    }
  }

  private end(watcher: Watcher) {
    this.watchers.delete(watcher);
    watcher.close();
  }
}
