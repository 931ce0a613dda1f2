import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
// The counter makes names unique within a process even if random bytes repeat; the random part across processes.
let counter = 0;

function randomSuffix(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out + (counter++).toString(36);
}

/**
 * A fresh name like `orders_k3j9x2a0` for a database, stream or key prefix: lowercase `[a-z0-9_]`, at most 63
 * characters (Postgres' identifier limit). The prefix is lowercased and other characters become `_`.
 */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z]/.test(clean)) {
    throw new Error(`uniqueName: prefix must start with a letter (got ${JSON.stringify(prefix)})`);
  }
  if (clean.length > 40) {
    throw new Error(`uniqueName: prefix must be at most 40 characters (got ${clean.length})`);
  }
  return `${clean}_${randomSuffix(8)}`;
}

/** A namespace for NATS stream and subject names, passed to services as NATS_NAMESPACE. */
export function natsNamespace(): string {
  return `t_${randomSuffix(6)}`;
}

/** A Redis key prefix that isolates one test's keys; ends with `:`. */
export function redisPrefix(): string {
  return `t_${randomSuffix(6)}:`;
}
