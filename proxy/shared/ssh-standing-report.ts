/**
 * What an SSH target's agent reports about standing privilege (`jitgate target-agent
 * --standing`), as it goes over the wire to POST /ssh/standing-report. Facts only: sshd's
 * effective settings that admit without a certificate, and per account the public keys and
 * principals its files list, as fingerprints (never a key itself, never anything private). The
 * agent builds it; jitgate parses it with this schema (the host is hostile input: every string is
 * bounded) and decides what is a finding (credentials/ssh-standing.ts).
 */
import { z } from 'zod';

const ACCOUNT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const KEY_TYPE = /^[a-z0-9@.-]{3,64}$/;
/** Printable text only, at most `max` characters: comments and file names come from the host. */
const printable = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[\x20-\x7e]*$/, 'printable ASCII');

const key = z
  .object({
    account: z.string().regex(ACCOUNT),
    file: printable(300),
    line: z.number().int().min(1).max(100_000),
    /** null: a line the agent could not read as a key (it may still admit). */
    type: z.string().regex(KEY_TYPE).nullable(),
    fingerprint: z.string().regex(FINGERPRINT).nullable(),
    comment: printable(200),
    /** `cert-authority`: the key is a CA whose certificates admit to the account. */
    certAuthority: z.boolean(),
  })
  .strict();

const principal = z
  .object({ account: z.string().regex(ACCOUNT), principal: printable(100) })
  .strict();

export const sshStandingReport = z
  .object({
    resource: z.string().min(1).max(64),
    /** Set when `sshd -T` failed: nothing else can be trusted, the rest is empty. */
    failure: printable(300).nullable(),
    sshd: z
      .object({
        passwordAuthentication: z.boolean(),
        kbdInteractiveAuthentication: z.boolean(),
        hostbasedAuthentication: z.boolean(),
        /** AuthorizedKeysCommand is set: it may return keys the agent cannot see. */
        authorizedKeysCommand: z.boolean(),
        /** AuthorizedPrincipalsCommand is set (jitgate's own sshd hook counts as not set). */
        authorizedPrincipalsCommand: z.boolean(),
      })
      .strict(),
    /** Fingerprints of the CA keys in TrustedUserCAKeys. */
    trustedCaKeys: z.array(z.string().regex(FINGERPRINT)).max(100),
    keys: z.array(key).max(10_000),
    principals: z.array(principal).max(10_000),
  })
  .strict();

export type SshStandingReport = z.infer<typeof sshStandingReport>;
export type ReportedKey = z.infer<typeof key>;

/**
 * A report with nothing in it: no sshd setting that admits without a certificate, no CA, no key,
 * no principal. The agent starts from it (and sends it as is, with `failure` set, when `sshd -T`
 * fails); tests build their reports on it.
 */
export function emptyStandingReport(resource: string): SshStandingReport {
  return {
    resource,
    failure: null,
    sshd: {
      passwordAuthentication: false,
      kbdInteractiveAuthentication: false,
      hostbasedAuthentication: false,
      authorizedKeysCommand: false,
      authorizedPrincipalsCommand: false,
    },
    trustedCaKeys: [],
    keys: [],
    principals: [],
  };
}
