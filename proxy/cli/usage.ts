/**
 * The `jitgate` command's usage text, apart from the commands themselves so that `jitgate --help`
 * and an unknown command answer without loading any command's modules.
 */

/** Where `--postgres` reads the database URL: never on the command line, where `ps` shows it. */
export const PG_URL_ENV = 'JITGATE_PG_URL';
export const SSH_USAGE = `  ssh RESOURCE [--login L]              a recorded terminal session (token: JITGATE_TOKEN,
                                        or the one jitgate login saved)`;

export const AUDIT_USAGE = `  jitgate audit verify [--state-dir DIR | --config FILE | --postgres] [--json]
                                             check the audit hash chain (exit 4 when broken)
  jitgate audit export [--state-dir DIR | --config FILE | --postgres] [--code C] [--actor A]
                       [--target T] [--since ISO] [--until ISO] [--json]
                                             write audit events as JSON lines to stdout
                                             (--postgres: the database URL is in $${PG_URL_ENV})`;

export const RECORDINGS_USAGE = `  recordings list [--person P] [--resource R] [--since ISO] [--until ISO]
                                        terminal sessions and their recordings (offline)
  recordings verify ID|FILE.cast [--public-key PEM]
                                        check checksum and signature (exit 4 when bad)
  recordings export ID --out DIR        copy a recording, its signature and the public key
                                        (recordings: --state-dir DIR, --config FILE or --postgres)`;

export const USAGE = `usage: jitgate COMMAND [options]     (docs/cli.md)
  serve [--config FILE]                 run jitgate (no config: the demo on http://localhost:8080)
  login [--step-up] [--no-browser] | logout
                                        sign in (people: browser; machines: JITGATE_CLIENT_* env)
  resources                             what I may request, and my access
  request RESOURCE --for 30m --reason TEXT [--ticket T] [--wait]
  request RESOURCE --break-glass --incident ID --for 15m --reason TEXT   emergency access, reviewed after
  requests [--approvals]                my requests, or those waiting for my decision
  reviews                               break-glass grants waiting for my review
  report access [--resource R] [--user U] [--from DATE] [--to DATE] [--csv|--json]   auditors: every grant of a period
  review GRANT_ID --justified|--not-justified --comment TEXT
  approve REQUEST_ID [--for 15m] [--comment TEXT]
  deny REQUEST_ID --comment TEXT
  grants [--all]                        my grants
  release GRANT_ID                      end my grant now
  revoke GRANT_ID [--reason TEXT]       end someone's grant (approver or admin; --state-dir: admin token)
  grant USER RESOURCE --for 30m [--reason TEXT] [--force] [--state-dir DIR]   admin: grant at once
  end-sessions USER [--state-dir DIR]   admin: end every sign-in of USER (sessions, tokens, terminals)
  exec RESOURCE --for 10m --reason TEXT [--ticket T] [--login L] -- CMD [ARG…]   run CMD with the credential
  ssh-cert RESOURCE --login L --out DIR [--for 30m --reason TEXT [--wait]]
                                        write an SSH key + certificate valid for the grant
  kubectl-credential RESOURCE [--for 30m --reason TEXT [--wait]]
                                        print an ExecCredential for kubectl
  reap --config FILE                    drop temporary database roles whose grant is over (cron)
  target-agent --url URL [--revoked-keys FILE] [--sessions DIR] [--every 1s] [--standing RESOURCE --agent-token-file FILE [--sshd-config FILE] [--scan-every 10m]]
                                        on an SSH target: keep RevokedKeys current, end revoked sessions
${SSH_USAGE}
${AUDIT_USAGE}
${RECORDINGS_USAGE}
common options: --url URL (default $JITGATE_URL or http://127.0.0.1:$PORT|8080), --json
exit codes: 0 ok, 1 usage, 2 refused, 3 unreachable (or --url is not jitgate), 4 audit chain broken,
            5 not signed in, 6 not granted (denied, expired, timed out); exec: the command's own code`;
