import { createHash } from 'node:crypto';
import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '@megatron/runtime';

/** Tokens whose fingerprint is kept: a relayed message asks for its token's two or three times. */
const FINGERPRINTS_KEPT = 1_000;
const fingerprints = new Map<string, string>();

/** A short, stable stand-in for a token in logs, metrics and map keys; the token itself never leaves the request. */
export function tokenFingerprint(token: string): string {
  let fingerprint = fingerprints.get(token);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 16);
    // Bounded the simple way: a full map starts over (a hash is cheap; growing without bound is not).
    if (fingerprints.size >= FINGERPRINTS_KEPT) fingerprints.clear();
    fingerprints.set(token, fingerprint);
  }
  return fingerprint;
}

export interface SlackClientOptions {
  slackApiUrl: string;
  requestTimeoutMs: number;
  maxClients: number;
  logger: Logger;
}

/**
 * One WebClient per token, least recently used evicted beyond `maxClients`. The client's own retries are off
 * (`retries: 0`, `rejectRateLimitedCalls`): the retry policy lives in slack-caller.ts, where it knows the call's
 * deadline and the ordering rules.
 */
export class SlackClientCache {
  private readonly clients = new Map<string, WebClient>();
  private readonly slackLogger: SlackLogger;

  constructor(private readonly options: SlackClientOptions) {
    this.slackLogger = pinoAdapter(options.logger.child({ component: 'slack-web-api' }));
  }

  get size(): number {
    return this.clients.size;
  }

  client(token: string): WebClient {
    const key = tokenFingerprint(token);
    const cached = this.clients.get(key);
    if (cached) {
      this.clients.delete(key);
      this.clients.set(key, cached);
      return cached;
    }
    const client = new WebClient(token, {
      slackApiUrl: this.options.slackApiUrl,
      timeout: this.options.requestTimeoutMs,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: this.slackLogger,
      logLevel: LogLevel.WARN,
    });
    this.clients.set(key, client);
    if (this.clients.size > this.options.maxClients) {
      const oldest = this.clients.keys().next().value;
      if (oldest !== undefined) this.clients.delete(oldest);
    }
    return client;
  }
}

/** The WebClient logs through our pino logger (tokens are redacted there); its chatter stays at debug. */
function pinoAdapter(logger: Logger): SlackLogger {
  let level = LogLevel.WARN;
  const text = (parts: unknown[]) => parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  return {
    debug: (...msg: unknown[]) => logger.debug(text(msg)),
    info: (...msg: unknown[]) => logger.debug(text(msg)),
    warn: (...msg: unknown[]) => logger.warn(text(msg)),
    error: (...msg: unknown[]) => logger.error(text(msg)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
