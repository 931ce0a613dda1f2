import type { RateLimitConfig } from '@megatron/slack-sim';
import type { RelaySize } from './scenarios/relay-bench.js';
import type { AbuseSize } from './scenarios/abuse-bench.js';
import type { HolbSize } from './scenarios/holb-bench.js';
import type { MemorySize } from './scenarios/memory-bench.js';
import type { BroadcastWork } from './theoretical-minimum.js';

export interface BenchPlan {
  mode: 'quick' | 'full';
  relay: RelaySize;
  broadcast: { work: BroadcastWork; limits: RateLimitConfig };
  scaling: {
    replicas: number[];
    channels: number[];
    /** Extra points at one replica with another command partition count than the default (128): 32, the earlier default. */
    partitions: { channels: number; partitions: number }[];
    totalMessages: number;
    concurrency: number;
  };
  abuse: AbuseSize;
  holb: HolbSize;
  memory: MemorySize;
}

// conversations.open is tier 3 (50/min): 2,000 DMs at Slack's own pace take 39 minutes. The allowance is
// scaled up (bucket shape unchanged) so a run takes a minute; chat.postMessage keeps Slack's 1/s per channel.
// Sizes are chosen so both kinds of bucket bind at the same moment, which is the hardest case to pace.
export const PLANS: Record<BenchPlan['mode'], BenchPlan> = {
  quick: {
    mode: 'quick',
    relay: { channels: 10, messagesPerChannel: 10, concurrency: 16, rounds: 1 },
    broadcast: { work: { users: 1000, channels: 20, messagesPerChannel: 18 }, limits: { perMinute: { 3: 800 } } },
    scaling: { replicas: [1, 2], channels: [10], partitions: [], totalMessages: 100, concurrency: 16 },
    abuse: { requestsPerDoor: 200, concurrency: 20 },
    holb: { channels: 10, messagesPerChannel: 10, ratePerSecond: 10, searchDelayMs: 4_000, opensInFlight: 8 },
    memory: { channels: 1_000, sampleChannels: 50, openConcurrency: 16, messagesPerChannel: 4 },
  },
  full: {
    mode: 'full',
    relay: { channels: 50, messagesPerChannel: 20, concurrency: 32, rounds: 3 },
    broadcast: { work: { users: 2000, channels: 50, messagesPerChannel: 63 }, limits: { perMinute: { 3: 1000 } } },
    scaling: { replicas: [1, 2, 3], channels: [10, 100, 1000], partitions: [{ channels: 100, partitions: 32 }], totalMessages: 2000, concurrency: 32 },
    abuse: { requestsPerDoor: 1000, concurrency: 50 },
    holb: { channels: 20, messagesPerChannel: 30, ratePerSecond: 20, searchDelayMs: 4_000, opensInFlight: 8 },
    // 10,000 channels would be the point, but opening them takes about 21 minutes here (7.8 opens/s measured,
    // CPU-bound on 2 shared cores); 2,500 keeps the section near 6 minutes. Raise it for a 10k reading.
    memory: { channels: 10_000, sampleChannels: 100, openConcurrency: 16, messagesPerChannel: 4 },
  },
};
