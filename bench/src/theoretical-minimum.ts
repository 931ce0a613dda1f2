import { TIER_PER_MINUTE, type RateLimitConfig } from '@megatron/slack-sim';

/** A token bucket as Slack shapes it: `capacity` requests at once, then `perSecond` steadily. */
export interface Bucket {
  capacity: number;
  perSecond: number;
}

/**
 * The earliest moment (ms after the start) at which the `requests`-th request through one bucket can go:
 * the first `capacity` go at once, every further one waits for a token.
 */
export function bucketMinimumMs(bucket: Bucket, requests: number): number {
  if (!(bucket.capacity >= 1) || !(bucket.perSecond > 0)) throw new Error(`bucket needs capacity ≥ 1 and perSecond > 0, got ${JSON.stringify(bucket)}`);
  if (!Number.isInteger(requests) || requests < 0) throw new Error(`requests must be a whole number ≥ 0, got ${requests}`);
  return (Math.max(0, requests - Math.floor(bucket.capacity)) / bucket.perSecond) * 1000;
}

/** The simulator's buckets for the methods a broadcast and channel posts use (tools/slack-sim rate-limits.ts). */
export function broadcastBuckets(config: RateLimitConfig): { conversationsOpen: Bucket; postMessagePerChannel: Bucket } {
  const tier3PerMinute = config.perMinute?.[3] ?? TIER_PER_MINUTE[3];
  const postPerSecond = config.postMessagePerSecond ?? 1;
  return {
    conversationsOpen: { capacity: tier3PerMinute, perSecond: tier3PerMinute / 60 },
    postMessagePerChannel: { capacity: postPerSecond + (config.postMessageBurst ?? 2), perSecond: postPerSecond },
  };
}

export interface BroadcastWork {
  /** Users DMed by one bot: one conversations.open each (one app, one workspace bucket) and one post per DM. */
  users: number;
  channels: number;
  messagesPerChannel: number;
}

/**
 * The shortest time Slack's limits allow for the whole job: the buckets fill independently, so the job ends
 * when the slowest bucket has let its last request through. A DM gets one post, within its channel's burst.
 */
export function broadcastMinimumMs(config: RateLimitConfig, work: BroadcastWork): number {
  const buckets = broadcastBuckets(config);
  const opens = bucketMinimumMs(buckets.conversationsOpen, work.users);
  const posts = work.channels > 0 ? bucketMinimumMs(buckets.postMessagePerChannel, work.messagesPerChannel) : 0;
  return Math.max(opens, posts);
}
