/**
 * Credentials for other tools: `jitgate ssh-cert` (key + certificate files, e.g. for Ansible)
 * and `jitgate kubectl-credential` (a client.authentication.k8s.io/v1 ExecCredential for a
 * kubeconfig `exec` stanza). Both use a live grant, or request one first (--for/--reason).
 */
import { resolve } from 'node:path';
import type { JitgateClient } from '../../sdk/jitgate-client.js';
import type { GrantInfo } from '../../sdk/types.js';
import { durationArg, parseCommand, positionalsOf } from '../args.js';
import { CliError, EXIT } from '../exit-codes.js';
import { liveGrant, obtainGrant } from '../grant-flow.js';
import { printJson } from '../output.js';
import { clientFor } from '../session.js';
import { writeSshCertificate } from '../ssh-keys.js';

const GRANT_OPTIONS = {
  for: { type: 'string' },
  reason: { type: 'string' },
  ticket: { type: 'string' },
  wait: { type: 'boolean' },
} as const;

async function grantFor(
  client: JitgateClient,
  resource: string,
  values: {
    for?: string | undefined;
    reason?: string | undefined;
    ticket?: string | undefined;
    wait?: boolean | undefined;
  },
): Promise<GrantInfo> {
  if (values.for === undefined) {
    const live = await liveGrant(client, resource);
    if (!live)
      throw new CliError(
        `no live grant for ${resource} (request one, or pass --for and --reason)`,
        EXIT.notGranted,
      );
    return live;
  }
  const { grant } = await obtainGrant(client, {
    resource,
    duration: durationArg(values.for, '--for'),
    reason: values.reason,
    ticket: values.ticket,
    wait: values.wait ?? false,
  });
  return grant;
}

export async function sshCert(args: string[]) {
  const usage =
    'jitgate ssh-cert RESOURCE --login L --out DIR [--for 30m --reason TEXT [--wait]] [--json] [--url URL]';
  const parsed = parseCommand(
    args,
    { ...GRANT_OPTIONS, login: { type: 'string' }, out: { type: 'string' } },
    usage,
  );
  const [resource = ''] = positionalsOf(parsed, ['RESOURCE'], usage);
  const { values } = parsed;
  if (!values.login || !values.out)
    throw new CliError(`--login and --out are required\nusage: ${usage}`);
  const client = clientFor(values.url);
  const grant = await grantFor(client, resource, values);
  const files = await writeSshCertificate(client, grant.id, values.login, resolve(values.out));
  if (values.json) return printJson({ grant: grant.id, ...files });
  process.stderr.write(`certificate for ${values.login} valid until ${files.validBefore}\n`);
  process.stdout.write(`${files.key}\n${files.certificate}\n`);
}

export async function kubectlCredential(args: string[]) {
  const usage =
    'jitgate kubectl-credential RESOURCE [--for 30m --reason TEXT [--wait]] [--url URL]';
  const parsed = parseCommand(args, GRANT_OPTIONS, usage);
  const [resource = ''] = positionalsOf(parsed, ['RESOURCE'], usage);
  const client = clientFor(parsed.values.url);
  const grant = await grantFor(client, resource, parsed.values);
  const credential = await client.credentials(grant.id);
  if (credential.kind !== 'kubernetes')
    throw new CliError(`${resource} is not a kubernetes resource`, EXIT.refused);
  // kubectl caches the credential until expirationTimestamp, which is the grant's end.
  printJson({
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: {
      token: credential.token,
      expirationTimestamp: credential.expiresAt.replace(/\.\d{3}Z$/, 'Z'),
    },
  });
}
