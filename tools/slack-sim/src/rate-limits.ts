/** Requests per minute for Slack's method tiers (api.slack.com/apis/rate-limits). */
export const TIER_PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;
export type Tier = keyof typeof TIER_PER_MINUTE | 'postMessage';

export const METHOD_TIERS: Record<string, Tier> = {
  'auth.test': 4,
  'conversations.open': 3,
  'conversations.history': 3,
  'conversations.info': 3,
  'conversations.create': 2,
  'conversations.archive': 2,
  'conversations.unarchive': 2,
  'conversations.invite': 3,
  'conversations.join': 3,
  'conversations.list': 2,
  'conversations.members': 4,
  'chat.postMessage': 'postMessage',
  'chat.postEphemeral': 4,
  'chat.update': 3,
  'chat.delete': 3,
  'users.info': 4,
  'users.list': 2,
  'files.info': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
};

export interface RateLimitConfig {
  /** Overrides of the per-minute allowance by tier; `postMessage` is per second per channel. */
  perMinute?: Partial<Record<1 | 2 | 3 | 4, number>>;
  postMessagePerSecond?: number;
  /** Extra requests a bucket tolerates at once; Slack allows short bursts above the steady rate. */
  postMessageBurst?: number;
}

interface Bucket { tokens: number; updatedMs: number }

/**
 * Token buckets keyed like Slack's limits: per app (or user) per workspace per method, and for
 * chat.postMessage additionally per channel. A tier's bucket holds one minute's allowance, which is
 * the burst Slack tolerates.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number, public enabled: boolean, public config: RateLimitConfig = {}) {}

  /** Returns undefined when allowed, else the seconds to wait (Retry-After). */
  take(method: string, principal: string, teamId: string, channel?: string): number | undefined {
    if (!this.enabled) return undefined;
    const tier = METHOD_TIERS[method];
    if (tier === undefined) return undefined;
    const { capacity, perMs } = this.shape(tier);
    const key = tier === 'postMessage' ? `${principal}|${teamId}|${method}|${channel ?? ''}` : `${principal}|${teamId}|${method}`;
    const nowMs = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedMs: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + (nowMs - bucket.updatedMs) * perMs);
    bucket.updatedMs = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }

  reset(): void {
    this.buckets.clear();
  }

  private shape(tier: Tier): { capacity: number; perMs: number } {
    if (tier === 'postMessage') {
      const perSecond = this.config.postMessagePerSecond ?? 1;
      return { capacity: perSecond + (this.config.postMessageBurst ?? 2), perMs: perSecond / 1000 };
    }
    const perMinute = this.config.perMinute?.[tier] ?? TIER_PER_MINUTE[tier];
    return { capacity: perMinute, perMs: perMinute / 60_000 };
  }
}
