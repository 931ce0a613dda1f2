import type { Logger } from '@megatron/runtime';
import type { Integration } from '../tenants/types.js';
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
}

/**
 * Receipts are best effort and never delay a forward: marks queue here and go out a few at a time, behind
 * Slack's rate limits (reactions.add sits in a lower tier than chat.postMessage). A full queue drops the
 * oldest marks rather than holding memory; a process that stops loses the marks still queued.
 */
export class Receipts {
  private readonly queue: Mark[] = [];
  private active = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly slack: SlackClient,
    private readonly logger: Logger,
    private readonly concurrency = 4,
    private readonly maxQueued = 10_000,
  ) {}

  mark(integration: Integration, channel: string, ts: string, name: string): void {
    if (this.queue.length >= this.maxQueued) {
      const dropped = this.queue.shift();
      this.logger.warn({ channel: dropped?.channel, ts: dropped?.ts }, 'receipt dropped: too many queued');
    }
    this.queue.push({ integration, channel, ts, name });
    this.pump();
  }

  /** Resolves once every queued mark went out (or failed); for shutdown and tests. */
  drained(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency) {
      const next = this.queue.shift();
      if (!next) break;
      this.active += 1;
      this.slack
        .addReaction({ channel: next.channel, ts: next.ts, name: next.name }, withToken(next.integration.botToken))
        .catch((error: unknown) => this.logger.warn({ err: error, channel: next.channel, ts: next.ts }, 'receipt not added'))
        .finally(() => {
          this.active -= 1;
          this.pump();
          if (this.active === 0 && this.queue.length === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
    }
  }
}
