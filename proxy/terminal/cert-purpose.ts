/**
 * What an SSH certificate jitgate mints says about what it is for, in the certificate itself, so
 * a target can tell without asking jitgate. A relay certificate's key never leaves jitgate's
 * memory (key-agent.ts), so a connection made with one is jitgate's own ssh client: jitgate ends
 * it itself at the grant's end, revoke or idle timeout, with the reason the person is shown, and
 * its valid-before (a few minutes: only the login needs it) says nothing about how long the
 * session may last. The target agent therefore leaves such connections to jitgate
 * (proxy/target/ending-verdict.ts). A direct certificate (`jitgate ssh-cert`, `jitgate exec`) is
 * used with its holder's own key, and the agent ends it at its valid-before.
 *
 * The mark is a certificate extension: it sits inside what the CA signs, so only jitgate can add
 * it, and sshd ignores extensions it does not know (PROTOCOL.certkeys).
 */
import type { CertificatePurpose } from './cert-record.js';

/** A vendor extension name, `name@domain` as PROTOCOL.certkeys asks. */
export const RELAY_EXTENSION = 'relay@jitgate';

/** permit-pty only (no forwarding, agent, X11 or rc), and the relay's mark on a relay certificate. */
export const extensionsFor = (purpose: CertificatePurpose): string[] =>
  purpose === 'relay' ? ['permit-pty', RELAY_EXTENSION] : ['permit-pty'];
