import { BlockList, isIP } from 'node:net';

export interface AddressPolicy {
  allowLoopback: boolean;
  allowPrivate: boolean;
}

type Category = 'unspecified' | 'metadata' | 'link-local' | 'reserved' | 'loopback' | 'private';

function ranges(entries: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family);
  return list;
}

// Order matters: the metadata addresses sit inside link-local and private ranges and must never be
// allowed by a flag meant for those.
const CATEGORIES: Array<[Category, BlockList]> = [
  ['metadata', ranges([['169.254.169.254', 32, 'ipv4'], ['100.100.100.200', 32, 'ipv4'], ['fd00:ec2::254', 128, 'ipv6']])],
  ['unspecified', ranges([['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']])],
  ['link-local', ranges([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']])],
  ['reserved', ranges([['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6']])],
  ['loopback', ranges([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])],
  [
    'private',
    ranges([
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ]),
  ],
];

function categoryOf(address: string): Category | undefined {
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) reaches the IPv4 host, so judge it as one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  return CATEGORIES.find(([, list]) => list.check(ip, family))?.[0];
}

/** Why a connection to this IP address is refused, or undefined when it is allowed. */
export function refusalReason(address: string, policy: AddressPolicy): string | undefined {
  if (isIP(address) === 0) return `${address} is not an IP address`;
  const category = categoryOf(address);
  if (category === undefined) return undefined;
  if (category === 'loopback' && policy.allowLoopback) return undefined;
  if (category === 'private' && policy.allowPrivate) return undefined;
  return `${address} is ${/^[aeiou]/.test(category) ? 'an' : 'a'} ${category} address`;
}
