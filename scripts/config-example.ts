/** The annotated example docs/configuration.md shows; the generator proves it loads. */
export const EXAMPLE_CONFIG = `# jitgate.yaml: run with  jitgate serve --config jitgate.yaml
server:
  host: 0.0.0.0                # behind a load balancer; the demo keeps to loopback
  port: 8080                   # PORT in the environment wins
  publicUrl: https://access.example.com
  trustProxy: true             # the load balancer sets X-Forwarded-*

state:
  dir: /var/lib/jitgate        # signing keys, SQLite database, recordings

# Several replicas behind a load balancer share one PostgreSQL instead of SQLite:
# storage:
#   driver: postgres
#   postgres:
#     urlEnv: JITGATE_PG_URL   # postgresql://user:password@host/db: never in this file

session:
  maxAge: 12h                  # sign in again after this long, however active
  idleTimeout: 1h

identityProviders:
  # Staff sign in with the corporate IdP; its groups are mapped to jitgate groups.
  - id: corp
    name: Example Corp SSO
    issuer: https://login.example.com/realms/corp
    clientId: jitgate
    clientSecretEnv: JITGATE_CORP_CLIENT_SECRET   # the secret never goes into this file
    groupMap:
      eng-all: [engineers]
      finance: [payroll-users]
      finance-leads: [payroll-users, payroll-approvers]
      wiki-team: [wiki-owners]
      sec-team: [jitgate-admins]
      internal-audit: [security-auditors]
  # Vendors sign in through their own IdP. Policies see them as kind "vendor".
  - id: partners
    name: Partner login
    kind: vendor
    issuer: https://id.partners.example.net
    clientId: jitgate-partners
    clientSecretEnv: JITGATE_PARTNER_CLIENT_SECRET
    # or: clientSecretFile: /run/secrets/jitgate-partner-client-secret
    groupMap:
      acme-support: [vendor-acme]
  # Contractors sign in through the company's ADFS over SAML 2.0 (docs/saml.md): jitgate reads
  # its metadata and gives ADFS its own at https://access.example.com/auth/saml/adfs/metadata.
  - id: adfs
    type: saml
    name: Contractor sign-in (ADFS)
    metadataUrl: https://adfs.example.com/FederationMetadata/2007-06/FederationMetadata.xml
    attributes:
      email: http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress
      groups: http://schemas.xmlsoap.org/claims/Group
    groupMap:
      Contractors-Finance: [payroll-users]

resources:
  - id: payroll
    kind: web
    name: Payroll
    description: Salaries and payslips. Ask for the shortest time you need.
    host: payroll.example.com              # people open https://payroll.example.com
    upstream: http://10.0.3.12:8000        # where the app really listens
    headers:
      X-Remote-User: "{email}"             # for apps that cannot read the signed assertion
  - id: wiki
    kind: web
    name: Operations wiki
    host: wiki.example.com
    upstream: https://wiki.internal.example.com
    preserveHost: true
  # A shell on a production host: jitgate mints an SSH certificate per session (principal = the
  # login) that its sshd trusts through TrustedUserCAKeys (docs/terminals.md), and records it.
  - id: prod-shell
    kind: ssh
    name: Production shell
    host: 10.0.4.20
    port: 22
    logins: [deploy, dba]
    hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOkf1VbwAo3aH6vB3rFmK2QrhGq1N4Y3cnbbpWh0r4nE
    recording: required                    # no recording, no session
    idleTimeout: 15m

policies:
  # Finance staff may ask for payroll for up to 8 hours, with a reason and a ticket; one payroll
  # approver (never the requester) must agree. A 15-minute look for an incident needs nobody.
  - id: finance-payroll
    description: Day-to-day payroll work by the finance team.
    resources: [payroll]
    subjects:
      groups: [payroll-users]
      kinds: [person]
      claims:
        department: [finance, hr]            # the IdP's department claim, one of these
    maxDuration: 8h
    requireReason: true
    ticketPattern: '^(FIN|INC)-[0-9]+$'
    approval:
      groups: [payroll-approvers]
      count: 1
    autoApprove:
      maxDuration: 15m                       # at most 4h, and at most maxDuration
      reasonPattern: '^incident'
      ticketPattern: '^INC-[0-9]+$'
    mfa: { request: false, approve: true }
    pendingTimeout: 2h                       # unanswered requests expire
  # Engineers may ask for a shell for up to 2 hours; an admin approves after a step-up, and
  # opening the terminal needs a fresh second factor too.
  - id: eng-prod-shell
    resources: [prod-shell]
    subjects:
      groups: [engineers]
    maxDuration: 2h
    approval:
      groups: [jitgate-admins]
    mfa: { terminal: true }
    recording: required
  # The ACME support team may reach the wiki from the partner IdP, in their office hours only,
  # after two approvals, always recorded. Vendors are never auto-approved.
  - id: acme-wiki
    resources: [wiki]
    subjects:
      groups: [vendor-acme]
      kinds: [vendor]
    maxDuration: 4h
    approval:
      groups: [jitgate-admins, wiki-owners]
      count: 2
    recording: required
    windows:
      - days: [mon, tue, wed, thu, fri]
        from: '07:00'
        to: '19:00'
        timeZone: Europe/Berlin
      - days: [sat]
        from: '22:00'
        to: '04:00'                          # to before from: ends on the next day
        timeZone: Europe/Berlin

admins:
  groups: [jitgate-admins]

auditors:
  groups: [security-auditors]

logging:
  level: info

terminal:
  caSigningGeneration: 1                   # a CA roll-over: trust 2 as well, then sign with 2
`;
