import { withTimeout, type Logger, type Redis } from '@megatron/runtime';

const REDIS_BUDGET_MS = 300;

const bounded = <T>(work: Promise<T>, what: string): Promise<T> =>
  withTimeout(work, REDIS_BUDGET_MS, () => new Error(`redis ${what} took over ${REDIS_BUDGET_MS}ms`));

/**
 * Remembers handled event ids in Redis for longer than JetStream's two-minute duplicate window,
 * since Slack's last retry comes minutes later. Redis holds only what may be lost: when it is away
 * the check says "new" and JetStream's window still catches close duplicates.
 */
export class EventDeduplicator {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  private key(eventId: string): string {
    return `interpreter-slack:event:${eventId}`;
  }

  async seen(eventId: string): Promise<boolean> {
    try {
      return (await bounded(this.redis.exists(this.key(eventId)), 'exists')) === 1;
    } catch (error) {
      this.logger.warn({ err: error, eventId }, 'event de-duplication check skipped');
      return false;
    }
  }

  /** Only after a successful publish, so a failed one stays retryable by Slack. */
  async remember(eventId: string): Promise<void> {
    try {
      await bounded(this.redis.set(this.key(eventId), '1', 'EX', this.ttlSeconds, 'NX'), 'set');
    } catch (error) {
      this.logger.warn({ err: error, eventId }, 'event id not remembered');
    }
  }
}
