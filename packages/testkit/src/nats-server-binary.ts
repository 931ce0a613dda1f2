import { existsSync } from 'node:fs';

/** Debian installs nats-server in /usr/sbin, often outside a test's PATH. */
export function natsServerBinary(): string {
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server';
  return 'nats-server';
}
