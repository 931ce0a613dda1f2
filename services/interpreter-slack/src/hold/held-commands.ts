import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { CommandSchema, type Command } from '@megatron/contracts';
import { withTimeout, type Redis } from '@megatron/runtime';

const CHANNELS_KEY = 'interpreter-slack:held-channels';
const COUNT_KEY = 'interpreter-slack:held-count';
const listKey = (channel: string) => `interpreter-slack:held:${channel}`;
const lockKey = (channel: string) => `interpreter-slack:held-lock:${channel}`;
const NOTICES = 'interpreter-slack:held-notices';
const REDIS_BUDGET_MS = 500;

/** Redis said no (full, or away): the caller answers Slack with a retryable error instead. */
export class HoldFailed extends Error {
  override name = 'HoldFailed';
}

// Appends unless the total is at its cap; registers the channel for the drainers and, when it is newly held, tells
// every replica's HeldChannelsView in the same step.
const APPEND = `
local count = tonumber(redis.call('GET', KEYS[3]) or '0')
if count >= tonumber(ARGV[3]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[4]) == 1 then redis.call('PUBLISH', ARGV[5], '+' .. ARGV[4]) end
redis.call('INCR', KEYS[3])
return 1`;

// Removes the head only if it is still the one just published, and forgets an emptied channel in the same step,
// so an append racing with the last pop either lands before (and is drained) or recreates the entry.
const POP = `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return -1 end
redis.call('LPOP', KEYS[1])
redis.call('DECR', KEYS[3])
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('PUBLISH', ARGV[3], '-' .. ARGV[2])
  return 0
end
return 1`;

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type HoldRedis = Redis & {
  holdAppend(list: string, channels: string, count: string, command: Buffer, score: number, max: number, channel: string, notices: string): Promise<number>;
  holdPop(list: string, channels: string, count: string, head: Buffer, channel: string, notices: string): Promise<number>;
  holdUnlock(lock: string, owner: string): Promise<number>;
};

function withHoldCommands(redis: Redis): HoldRedis {
  const extended = redis as HoldRedis;
  if (typeof extended.holdAppend !== 'function') {
    redis.defineCommand('holdAppend', { numberOfKeys: 3, lua: APPEND });
    redis.defineCommand('holdPop', { numberOfKeys: 3, lua: POP });
    redis.defineCommand('holdUnlock', { numberOfKeys: 1, lua: UNLOCK });
  }
  return extended;
}

const bounded = <T>(work: Promise<T>, what: string): Promise<T> =>
  withTimeout(work, REDIS_BUDGET_MS, () => new HoldFailed(`redis ${what} took over ${REDIS_BUDGET_MS}ms`));

/**
 * Per-channel queues of Commands that could not be stored in JetStream (NATS away), in Redis so every
 * replica sees them and a replica restart loses none. While a channel has held Commands, its newer ones
 * are held behind them, so the channel's order survives the outage; drainers publish them in order once
 * NATS is back (see drain.ts and README "Delivery under faults").
 */
export class HeldCommands {
  private readonly redis: HoldRedis;
  /** The pub/sub channel of HeldChannelsView's notices; pub/sub names get no keyPrefix from ioredis, so it is added here. */
  readonly noticeChannel: string;

  constructor(
    redis: Redis,
    private readonly maxHeld: number,
  ) {
    this.redis = withHoldCommands(redis);
    this.noticeChannel = `${redis.options.keyPrefix ?? ''}${NOTICES}`;
  }

  /** Whether the channel has Commands waiting; throws HoldFailed when Redis cannot say. */
  async has(channel: string): Promise<boolean> {
    try {
      return (await bounded(this.redis.exists(listKey(channel)), 'exists')) === 1;
    } catch (error) {
      throw error instanceof HoldFailed ? error : new HoldFailed(`redis exists failed: ${String(error)}`, { cause: error });
    }
  }

  async append(channel: string, command: Command, atMs: number): Promise<void> {
    let appended: number;
    try {
      const bytes = Buffer.from(toBinary(CommandSchema, command));
      appended = await bounded(this.redis.holdAppend(listKey(channel), CHANNELS_KEY, COUNT_KEY, bytes, atMs, this.maxHeld, channel, this.noticeChannel), 'append');
    } catch (error) {
      throw error instanceof HoldFailed ? error : new HoldFailed(`redis append failed: ${String(error)}`, { cause: error });
    }
    if (appended !== 1) throw new HoldFailed(`${this.maxHeld} Commands are already held (HOLD_MAX_COMMANDS)`);
  }

  /** Channels with held Commands, longest waiting first: the first `limit`, or all of them. */
  async channels(limit?: number): Promise<string[]> {
    return this.redis.zrange(CHANNELS_KEY, 0, String(limit === undefined ? -1 : limit - 1));
  }

  /** Takes the channel for one drainer (across replicas) for `leaseMs`. */
  async lock(channel: string, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.set(lockKey(channel), owner, 'PX', leaseMs, 'NX')) === 'OK';
  }

  async unlock(channel: string, owner: string): Promise<void> {
    await this.redis.holdUnlock(lockKey(channel), owner);
  }

  async head(channel: string): Promise<{ bytes: Buffer; command: Command } | undefined> {
    const bytes = await this.redis.lindexBuffer(listKey(channel), 0);
    return bytes ? { bytes, command: fromBinary(CommandSchema, bytes) } : undefined;
  }

  /** Drops the published head; false when the channel is now empty (and forgotten). */
  async pop(channel: string, head: Buffer): Promise<boolean> {
    return (await this.redis.holdPop(listKey(channel), CHANNELS_KEY, COUNT_KEY, head, channel, this.noticeChannel)) !== 0;
  }

  /** Held Commands across all channels. */
  async count(): Promise<number> {
    return Number((await this.redis.get(COUNT_KEY)) ?? 0);
  }
}
