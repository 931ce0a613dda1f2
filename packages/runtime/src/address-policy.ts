import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * Where Megatron may send a request it was asked to make: the integrating apps' command_url (app-notifier,
 * checked again when the URL is set) and Slack file URLs (connection-slack, which sends a bot token).
 */
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
// allowed by a flag meant for those; ::1 sits inside ::/96.
const CATEGORIES: Array<[Category, BlockList]> = [
  ['metadata', ranges([['169.254.169.254', 32, 'ipv4'], ['100.100.100.200', 32, 'ipv4'], ['fd00:ec2::254', 128, 'ipv6']])],
  ['loopback', ranges([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])],
  // ::/96 holds the deprecated IPv4-compatible form, never a real destination.
  ['unspecified', ranges([['0.0.0.0', 8, 'ipv4'], ['::', 96, 'ipv6']])],
  ['link-local', ranges([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']])],
  [
    'reserved',
    ranges([
      ['224.0.0.0', 4, 'ipv4'],
      ['240.0.0.0', 4, 'ipv4'],
      ['192.0.0.0', 24, 'ipv4'],
      ['192.0.2.0', 24, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
      ['2001::', 32, 'ipv6'],
      ['2001:db8::', 32, 'ipv6'],
      ['100::', 64, 'ipv6'],
    ]),
  ],
  [
    'private',
    ranges([
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
      // Deprecated site-local, still routed inside some networks.
      ['fec0::', 10, 'ipv6'],
    ]),
  ],
];

/** The 16 bytes of an IPv6 address (any textual form Node accepts). */
function ipv6Bytes(address: string): number[] {
  // The URL parser normalises every form (embedded dotted quads included) to hex groups.
  const host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = '', tail] = host.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}

/**
 * The IPv4 host an IPv6 address reaches by translation, judged as that host: IPv4-mapped (::ffff:a.b.c.d),
 * NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  const prefix = (values: number[]) => values.every((value, index) => bytes[index] === value);
  if (prefix([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]) || prefix([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return bytes.slice(12).join('.');
  if (prefix([0x20, 0x02])) return bytes.slice(2, 6).join('.');
  return undefined;
}

function categoryOf(address: string): Category | undefined {
  const ip = isIP(address) === 6 ? (embeddedIpv4(address) ?? address) : address;
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

// Names that mean this machine, or a cloud's metadata service, whatever DNS says.
const LOOPBACK_NAMES = /^(localhost|.*\.localhost)$/i;
const METADATA_NAMES = /^(metadata|metadata\.google\.internal|instance-data|instance-data\.ec2\.internal)$/i;

/**
 * Why a URL may not be used as a destination, judged from the URL alone (when it is set, before any DNS):
 * a literal address by the policy, names of this machine or a metadata service always. Names that resolve
 * elsewhere are judged again where the connection is opened.
 */
export function urlRefusalReason(value: string, policy: AddressPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are not allowed`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return refusalReason(host, policy);
  if (METADATA_NAMES.test(host)) return `${host} names a metadata service`;
  if (LOOPBACK_NAMES.test(host) && !policy.allowLoopback) return `${host} names this machine`;
  return undefined;
}

/** Slack serves url_private and upload URLs from this host; bot tokens are sent nowhere else (besides its API). */
export const SLACK_FILE_HOST = 'files.slack.com';
/** Slack's response_url host. */
export const SLACK_HOOKS_HOST = 'hooks.slack.com';

/**
 * The origins a Slack URL outside the Web API may have: Slack's own host for it, and the origin of the
 * configured Slack API when that is not Slack (the simulator serves files and hooks beside its API).
 */
export function slackOrigins(slackApiUrl: string, slackHost: string): string[] {
  const api = new URL(slackApiUrl).origin;
  const slack = `https://${slackHost}`;
  return api === 'https://slack.com' ? [slack] : [slack, api];
}

export function hasOrigin(value: string, origins: string[]): boolean {
  try {
    return origins.includes(new URL(value).origin);
  } catch {
    return false;
  }
}

const optionalFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'expected true or false' })
  .optional()
  .transform((value) => (value === undefined ? undefined : ['true', '1', 'yes', 'on'].includes(value)));

/** The command_url policy's variables, read by app-notifier (at delivery) and command-core (when a URL is set). */
export const commandUrlPolicyEnv = {
  /** Unset: allowed in megatron-dev, refused in megatron-production. */
  APP_COMMAND_ALLOW_LOOPBACK: optionalFlag,
  APP_COMMAND_ALLOW_PRIVATE: optionalFlag.transform((value) => value ?? false),
};

/** Loopback is for local development: allowed in megatron-dev unless configured otherwise. */
export function commandUrlPolicy(config: { MEGATRON_APP_MODE: string; APP_COMMAND_ALLOW_LOOPBACK?: boolean | undefined; APP_COMMAND_ALLOW_PRIVATE: boolean }): AddressPolicy {
  return {
    allowLoopback: config.APP_COMMAND_ALLOW_LOOPBACK ?? config.MEGATRON_APP_MODE === 'megatron-dev',
    allowPrivate: config.APP_COMMAND_ALLOW_PRIVATE,
  };
}
