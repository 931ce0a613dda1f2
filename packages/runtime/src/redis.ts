import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

export type { Redis };

/**
 * A client that reconnects forever and fails commands fast while Redis is away (Redis holds only
 * what may be lost, so callers degrade rather than wait). `keyPrefix` isolates tenants and tests.
 */
export function createRedis(url: string, logger: Logger, keyPrefix = ''): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // Commands issued in the same tick (concurrent requests' checks and marks) go out in one write.
    enableAutoPipelining: true,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ err: error }, 'redis error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis ready');
    down = false;
  });
  return redis;
}

export function redisCheck(redis: Redis): () => Promise<boolean> {
  return async () => (await redis.ping()) === 'PONG';
}
