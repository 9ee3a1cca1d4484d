/**
 * A configuration can be valid and still likely wrong. These are logged at start-up (as
 * warnings: jitgate starts anyway) with the path they are about and what to do:
 *
 * - a group that policy, admins or auditors name but that no identity provider can give anyone
 *   (no groupMap maps to it, none passes unmapped groups through, no machine issuer assigns it):
 *   a condition on it can never match, which usually means a typo or a missing mapping;
 * - plain HTTP on a non-loopback address while publicUrl is not https: nothing terminates TLS in
 *   front, so session cookies and tokens would cross the network unencrypted;
 * - a person named by username or email (`subjects.users`, `breakGlass.users`) where several
 *   identity providers sign in people of the kinds allowed: the name is whatever an IdP sends, so
 *   any of them (a contractors' IdP) can send it; a user id names one account.
 */
import { isLoopbackHost } from '../shared/loopback.js';
import type { Config } from './schema.js';

/** Every group something can give a person or a machine; undefined when any group is possible. */
function givenGroups(config: Config): Set<string> | undefined {
  if (config.identityProviders.some((idp) => idp.passUnmappedGroups)) return undefined;
  const given = new Set<string>();
  for (const idp of config.identityProviders)
    for (const groups of Object.values(idp.groupMap)) groups.forEach((g) => given.add(g));
  for (const issuer of config.machines.issuers) {
    issuer.groups.forEach((g) => given.add(g));
    for (const groups of Object.values(issuer.clientGroups)) groups.forEach((g) => given.add(g));
  }
  return given;
}

/** Where groups are named, as `[path, groups]`. */
function namedGroups(config: Config): [string, string[]][] {
  const named: [string, string[]][] = [];
  config.policies.forEach((policy, i) => {
    named.push([`policies[${i}].subjects.groups`, policy.subjects.groups]);
    if (policy.approval) named.push([`policies[${i}].approval.groups`, policy.approval.groups]);
    if (policy.autoApprove)
      named.push([`policies[${i}].autoApprove.groups`, policy.autoApprove.groups]);
  });
  named.push(['admins.groups', config.admins.groups], ['auditors.groups', config.auditors.groups]);
  return named;
}

function unreachableGroups(config: Config): string[] {
  const given = givenGroups(config);
  if (!given) return [];
  return namedGroups(config).flatMap(([path, groups]) =>
    [...new Set(groups)]
      .filter((group) => !given.has(group))
      .map(
        (group) =>
          `${path}: no identity provider gives anyone the group "${group}" (add it to an ` +
          `identityProviders[].groupMap, or set passUnmappedGroups): it can never match`,
      ),
  );
}

function plainHttp(config: Config): string[] {
  const { host, publicUrl } = config.server;
  if (isLoopbackHost(host) || publicUrl?.startsWith('https://')) return [];
  return [
    `server.host: jitgate listens on plain HTTP on ${host} and server.publicUrl is not https: ` +
      `sessions and tokens would cross the network unencrypted; terminate TLS in front ` +
      `(docs/identity-providers.md) and set publicUrl to its https origin`,
  ];
}

/** Users a policy lets in (or break the glass) by a name several IdPs could send. */
function namesSeveralIdpsCanSend(config: Config): string[] {
  const isUserId = (user: string) =>
    config.identityProviders.some((idp) => user.startsWith(`${idp.id}:`));
  const warn = (path: string, users: string[], kinds: readonly string[]) => {
    const idps = config.identityProviders.filter((idp) => kinds.includes(idp.kind));
    if (idps.length < 2) return [];
    const senders = idps.map((idp) => idp.id).join(', ');
    return [...new Set(users)]
      .filter((user) => !isUserId(user))
      .map(
        (user) =>
          `${path}: "${user}" is a username or email, and each of the identity providers ` +
          `${senders} can send it for anyone it signs in: name the person by user id (<idp>:<sub>)`,
      );
  };
  return config.policies.flatMap((policy, i) => [
    ...warn(`policies[${i}].subjects.users`, policy.subjects.users, policy.subjects.kinds),
    ...(policy.breakGlass
      ? warn(`policies[${i}].breakGlass.users`, policy.breakGlass.users, policy.breakGlass.kinds)
      : []),
  ]);
}

export function configWarnings(config: Config): string[] {
  return [...unreachableGroups(config), ...plainHttp(config), ...namesSeveralIdpsCanSend(config)];
}
