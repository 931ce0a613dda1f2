import type { Logger } from '@megatron/runtime';
import type { Integration } from '../tenants/types.js';
import { retryAfterMs } from './errors.js';
import type { SlackClient } from './slack-gateway.js';
import { withToken } from './slack-gateway.js';

/** The quiet mark on an agent's message once the customer has it. */
export const DELIVERED = 'white_check_mark';
/** The mark on an agent's message that definitively did not reach the customer (a threaded reply says why). */
export const FAILED = 'warning';

interface Mark {
  integration: Integration;
  channel: string;
  ts: string;
  name: string;
  /** Take the reaction away (⚠ once Retry got the message through). */
  remove: boolean;
  attempts: number;
}

/** Rate-limited marks are tried again after Slack's Retry-After, this many times at most. */
const MAX_ATTEMPTS = 5;

/**
 * Receipts are best effort and never delay a forward: marks queue here and go out a few at a time, behind
 * Slack's rate limits (reactions.add sits in a lower tier than chat.postMessage). A full queue drops the
 * oldest marks rather than holding memory; a process that stops loses the marks still queued.
 */
export class Receipts {
  private readonly queue: Mark[] = [];
  private readonly waiting = new Set<NodeJS.Timeout>();
  private active = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly slack: SlackClient,
    private readonly logger: Logger,
    private readonly concurrency = 4,
    private readonly maxQueued = 10_000,
  ) {}

  mark(integration: Integration, channel: string, ts: string, name: string): void {
    this.enqueue({ integration, channel, ts, name, remove: false, attempts: 0 });
  }

  unmark(integration: Integration, channel: string, ts: string, name: string): void {
    this.enqueue({ integration, channel, ts, name, remove: true, attempts: 0 });
  }

  private enqueue(mark: Mark): void {
    if (this.queue.length >= this.maxQueued) {
      const dropped = this.queue.shift();
      this.logger.warn({ channel: dropped?.channel, ts: dropped?.ts }, 'receipt dropped: too many queued');
    }
    this.queue.push(mark);
    this.pump();
  }

  /** Resolves once every queued mark went out (or failed); marks waiting out a rate limit are dropped. For shutdown and tests. */
  drained(): Promise<void> {
    for (const timer of this.waiting) clearTimeout(timer);
    this.waiting.clear();
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Slack said wait: the mark goes back in the queue once the wait is over, never blocking the others. */
  private later(mark: Mark, error: unknown): boolean {
    const waitMs = retryAfterMs(error);
    if (waitMs === undefined || mark.attempts + 1 >= MAX_ATTEMPTS) return false;
    const timer = setTimeout(() => {
      this.waiting.delete(timer);
      this.enqueue({ ...mark, attempts: mark.attempts + 1 });
    }, waitMs);
    this.waiting.add(timer);
    return true;
  }

  private pump(): void {
    while (this.active < this.concurrency) {
      const next = this.queue.shift();
      if (!next) break;
      this.active += 1;
      const reaction = { channel: next.channel, ts: next.ts, name: next.name };
      const token = withToken(next.integration.botToken);
      (next.remove ? this.slack.removeReaction(reaction, token) : this.slack.addReaction(reaction, token))
        .catch((error: unknown) => {
          if (!this.later(next, error)) this.logger.warn({ err: error, channel: next.channel, ts: next.ts }, 'receipt not added');
        })
        .finally(() => {
          this.active -= 1;
          this.pump();
          if (this.active === 0 && this.queue.length === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
    }
  }
}
