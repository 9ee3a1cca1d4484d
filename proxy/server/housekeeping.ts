/**
 * The timers a replica runs for as long as it serves: expired rows purged from the store, and
 * its terminal sessions checked against sign-ins that may have ended on another replica. Each
 * start function resolves the stop of its timer.
 */
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { SessionEnding } from '../terminal/session-ending.js';
import type { CredentialHolds } from './credential-holds.js';

/** How often expired sessions, SAML requests, one-time codes, rate counters and stale terminal stop requests are deleted. */
const PURGE_EVERY_MS = 10 * 60_000;
/** How often terminal sessions check that the sign-in they were opened with still holds. */
const TERMINAL_SIGN_IN_CHECK_MS = 5_000;

export function startStorePurger(
  store: Pick<Store, 'sessions' | 'saml' | 'oneTimeCodes' | 'rateLimits' | 'terminalRelay'>,
  now: () => number,
): () => void {
  const purger = setInterval(() => {
    void store.sessions.purgeExpired(now()).catch(() => 0);
    void store.saml.purgeExpired(now()).catch(() => 0);
    void store.oneTimeCodes.purgeExpired(now()).catch(() => 0);
    void store.rateLimits.purgeExpired(now()).catch(() => 0);
    void store.terminalRelay.purgeStops(now()).catch(() => 0);
  }, PURGE_EVERY_MS);
  return () => clearInterval(purger);
}

/**
 * Logouts on other replicas reach the terminal sessions running here: at once when the change
 * feed tells of them, and on a timer besides (an end the feed could not say, such as an expiry).
 */
export function startTerminalSignInCheck(deps: {
  ending: Pick<SessionEnding, 'checkCredentials'>;
  credentialHolds: Pick<CredentialHolds, 'onChangedElsewhere'>;
  log: Logger;
}): () => void {
  const { ending, credentialHolds, log } = deps;
  const check = () =>
    void ending
      .checkCredentials()
      .catch((error: unknown) => log.error('terminal sign-in check failed', { error }));
  const timer = setInterval(check, TERMINAL_SIGN_IN_CHECK_MS);
  timer.unref();
  const stopHearing = credentialHolds.onChangedElsewhere(check);
  return () => {
    clearInterval(timer);
    stopHearing();
  };
}
