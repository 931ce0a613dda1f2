/** Requests per minute for Slack's method tiers (api.slack.com/apis/rate-limits). */
export const TIER_PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;
export type Tier = keyof typeof TIER_PER_MINUTE | 'postMessage';

/** Each method's tier as its reference page states it (docs.slack.dev/reference/methods/<method>). */
export const METHOD_TIERS: Record<string, Tier> = {
  'auth.test': 4,
  'apps.connections.open': 1,
  'bots.info': 3,
  'conversations.open': 3,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.info': 3,
  'conversations.create': 2,
  'conversations.archive': 2,
  'conversations.unarchive': 2,
  'conversations.rename': 2,
  'conversations.invite': 3,
  'conversations.join': 3,
  'conversations.list': 2,
  'conversations.members': 4,
  'chat.postMessage': 'postMessage',
  'chat.postEphemeral': 4,
  'chat.update': 3,
  'chat.delete': 3,
  'pins.add': 2,
  'pins.list': 2,
  'pins.remove': 2,
  'reactions.add': 3,
  'reactions.get': 3,
  'reactions.remove': 2,
  'team.info': 3,
  'users.info': 4,
  'users.list': 2,
  'files.info': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
};

/**
 * Since 2025 Slack limits these for apps distributed outside the Marketplace to 1 request a minute and 15
 * messages a page (docs.slack.dev/apis/web-api/rate-limits).
 */
export const HISTORY_LIMITED_METHODS = new Set(['conversations.history', 'conversations.replies']);
export const HISTORY_LIMITED_PAGE = 15;
const HISTORY_LIMITED_PER_MINUTE = 1;

export interface RateLimitConfig {
  /** Overrides of the per-minute allowance by tier; `postMessage` is per second per channel. */
  perMinute?: Partial<Record<1 | 2 | 3 | 4, number>>;
  /** Moves methods to another tier, e.g. `{ 'reactions.add': 1 }` to make reactions scarce in a test. */
  methodTiers?: Record<string, Tier>;
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
  private readonly historyBuckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number, public enabled: boolean, public config: RateLimitConfig = {}) {}

  /** Returns undefined when allowed, else the seconds to wait (Retry-After). */
  take(method: string, principal: string, teamId: string, channel?: string): number | undefined {
    if (!this.enabled) return undefined;
    const tier = this.config.methodTiers?.[method] ?? METHOD_TIERS[method];
    if (tier === undefined) return undefined;
    const { capacity, perMs } = this.shape(tier);
    const key = tier === 'postMessage' ? `${principal}|${teamId}|${method}|${channel ?? ''}` : `${principal}|${teamId}|${method}`;
    return this.takeFrom(this.buckets, key, capacity, perMs);
  }

  /** The Marketplace history limit; it applies whether or not general rate limits are on. */
  takeHistoryLimited(method: string, appId: string, teamId: string): number | undefined {
    if (!HISTORY_LIMITED_METHODS.has(method)) return undefined;
    return this.takeFrom(this.historyBuckets, `${appId}|${teamId}|${method}`, HISTORY_LIMITED_PER_MINUTE,
      HISTORY_LIMITED_PER_MINUTE / 60_000);
  }

  reset(): void {
    this.buckets.clear();
    this.historyBuckets.clear();
  }

  private takeFrom(buckets: Map<string, Bucket>, key: string, capacity: number, perMs: number): number | undefined {
    const nowMs = this.now();
    const bucket = buckets.get(key) ?? { tokens: capacity, updatedMs: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + (nowMs - bucket.updatedMs) * perMs);
    bucket.updatedMs = nowMs;
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
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
