import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Slack ids are a type letter followed by upper-case alphanumerics (e.g. `U0123ABCDEF`). */
export function slackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

export function secretHex(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

export function tokenOf(kind: 'xoxb' | 'xoxp', teamNumber: string): string {
  return `${kind}-${teamNumber}-${randomBytes(6).readUIntBE(0, 6)}-${randomBytes(12).toString('hex')}`;
}

/** App-level tokens look like `xapp-1-A0123ABCDEF-1234567890123-<64 hex>`. */
export function appTokenOf(appId: string): string {
  return `xapp-1-${appId}-${randomBytes(6).readUIntBE(0, 6)}-${randomBytes(32).toString('hex')}`;
}

/** Formats microseconds since the epoch the way Slack writes `ts`: "1700000000.000100". */
export function formatTs(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const rest = micros % 1_000_000n;
  return `${seconds}.${rest.toString().padStart(6, '0')}`;
}

export function parseTs(ts: string): bigint | undefined {
  const match = /^(\d{10})\.(\d{6})$/.exec(ts);
  if (!match) return undefined;
  return BigInt(match[1] ?? '0') * 1_000_000n + BigInt(match[2] ?? '0');
}
