/**
 * Which client a request comes from, for per-client limits. Without a trusted proxy in front it
 * is the socket's peer. With `server.trustProxy` it is the last X-Forwarded-For address: the one
 * the load balancer in front of jitgate added (whatever a client writes itself comes before it,
 * so it cannot choose its own key). IPv4 addresses count one by one; IPv6 by /64, the block one
 * host usually holds (counting single IPv6 addresses would let a client rotate past any limit).
 */
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

function lastForwarded(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  const last = value?.split(',').at(-1)?.trim();
  return last ? last : undefined;
}

/** The first four groups of an IPv6 address (its /64), with `::` spelled out. */
function ipv6Prefix(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export function clientKey(req: IncomingMessage, trustProxy: boolean): string {
  const raw =
    (trustProxy ? lastForwarded(req.headers['x-forwarded-for']) : undefined) ??
    req.socket.remoteAddress ??
    'unknown';
  const address = raw.startsWith('::ffff:') && isIPv4(raw.slice(7)) ? raw.slice(7) : raw;
  if (isIPv6(address)) return ipv6Prefix(address.split('%')[0] ?? address);
  return address;
}
