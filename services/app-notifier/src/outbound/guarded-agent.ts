import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { refusalReason, type AddressPolicy } from '@megatron/runtime';
import { OutboundError } from './outbound-error.js';

/**
 * Resolves the host itself and refuses the connection when any answer is a forbidden address, so a
 * DNS name pointing at 127.0.0.1 or the metadata service is caught where the socket is opened.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family ?? 0, hints: options.hints ?? 0, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((entry) => refusalReason(entry.address, policy)).find((reason) => reason !== undefined);
      if (refused !== undefined) return callback(new OutboundError('refused_address', `${hostname} resolves to a refused address: ${refused}`), '', 0);
      const first = addresses[0];
      if (first === undefined) return callback(new OutboundError('network', `${hostname} has no address`), '', 0);
      // net.connect asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily).
      if (options.all) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

/** The one dispatcher for every request to an app: guarded DNS, no redirects (undici follows none by default). */
export function guardedAgent(policy: AddressPolicy): Agent {
  return new Agent({ connect: { lookup: guardedLookup(policy) } });
}
