import { randomUUID } from 'node:crypto';
import type { Logger } from '@megatron/runtime';
import { PublishFailed, type PublishCommand } from '../publish.js';
import type { HeldCommands } from './held-commands.js';

export interface HeldDrainerOptions {
  held: HeldCommands;
  /** Straight to JetStream; idempotent by Command id (Nats-Msg-Id), so a head published twice is stored once. */
  publish: PublishCommand;
  logger: Logger;
  intervalMs: number;
  /** Told after every publish that went through. */
  onPublished: (kind: string) => void;
}

/** Channels one pass looks at; the rest wait for the next pass. */
const CHANNELS_PER_PASS = 50;
const LEASE_MS = 15_000;

/**
 * Every replica runs one: each pass takes the held channels (one drainer per channel, by a Redis lock)
 * and publishes their Commands head first, each removed only after JetStream stored it, until the
 * channel is empty or NATS fails again.
 */
export class HeldDrainer {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();
  private readonly owner = randomUUID();
  private stopped = false;

  constructor(private readonly options: HeldDrainerOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.pass = this.pass.then(() => this.drainAll()).catch((error: unknown) => this.options.logger.warn({ err: error }, 'draining held Commands failed; the next pass tries again'));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pass;
  }

  private async drainAll(): Promise<void> {
    for (const channel of await this.options.held.channels(CHANNELS_PER_PASS)) {
      if (this.stopped) return;
      if (!(await this.options.held.lock(channel, this.owner, LEASE_MS))) continue;
      try {
        if (!(await this.drain(channel))) return;
      } finally {
        await this.options.held.unlock(channel, this.owner);
      }
    }
  }

  /** Publishes the channel's Commands in order; false when NATS still fails (the pass ends). */
  private async drain(channel: string): Promise<boolean> {
    const started = Date.now();
    // The lease bounds one turn: a long queue is finished over several passes rather than outliving the lock.
    while (!this.stopped && Date.now() - started < LEASE_MS / 2) {
      const head = await this.options.held.head(channel);
      if (!head) return true;
      try {
        await this.options.publish(head.command);
      } catch (error) {
        if (!(error instanceof PublishFailed)) throw error;
        this.options.logger.debug({ err: error, channel }, 'NATS still away; held Commands wait');
        return false;
      }
      this.options.onPublished(head.command.kind.case ?? 'none');
      if (!(await this.options.held.pop(channel, head.bytes))) return true;
    }
    return true;
  }
}
