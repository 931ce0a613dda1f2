import type { Logger, Redis } from '@megatron/runtime';
import type { HeldCommands } from './held-commands.js';

/** A registry read that failed is tried again after this long (the subscription itself reconnects on its own). */
const RESYNC_DELAY_MS = 1_000;

export interface HeldChannelsViewOptions {
  /** The client HeldCommands uses; the view listens on a duplicate of it, since a subscribed connection does nothing else. */
  redis: Redis;
  /** Whose notices the view hears and whose registry it reads. */
  held: HeldCommands;
  logger: Logger;
}

/**
 * Which channels have held Commands, known in memory, so that publishing a Command asks Redis nothing. HeldCommands'
 * scripts announce a channel's first held Command (`+<channel>`) and its last one drained (`-<channel>`) in the same
 * step as the change; the view listens on a connection of its own, and each time its subscription is established
 * it reads the registry again, applying the notices heard meanwhile on top. While it is not subscribed (Redis
 * away, a reconnect) it knows nothing, and callers ask Redis per Command.
 */
export class HeldChannelsView {
  private readonly subscriber: Redis;
  private held: Set<string> | undefined;
  /** Notices heard while the registry is being read; undefined when no read is under way. */
  private heardDuringSync: string[] | undefined;
  private generation = 0;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: HeldChannelsViewOptions) {
    this.subscriber = options.redis.duplicate({ enableAutoPipelining: false });
    // The same Redis as HeldCommands' client, which logs its errors once; a second log line would say nothing new.
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, notice: string) => {
      if (channel !== options.held.noticeChannel) return;
      if (this.heardDuringSync) this.heardDuringSync.push(notice);
      else if (this.held) apply(this.held, notice);
    });
    this.subscriber.on('close', () => this.forget());
    this.subscriber.on('ready', () => void this.sync());
  }

  /** true or false when known; undefined while the view is not in step with Redis. */
  isHeld(channel: string): boolean | undefined {
    return this.held?.has(channel);
  }

  /** This replica just held a Command of the channel: known at once, before its notice comes back. */
  markHeld(channel: string): void {
    this.held?.add(channel);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.forget();
    this.subscriber.disconnect();
  }

  private forget(): void {
    this.generation += 1;
    this.held = undefined;
    this.heardDuringSync = undefined;
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.forget();
    const generation = this.generation;
    const heard: string[] = [];
    this.heardDuringSync = heard;
    try {
      await this.subscriber.subscribe(this.options.held.noticeChannel);
      const held = new Set(await this.options.held.channels());
      if (generation !== this.generation) return;
      for (const notice of heard) apply(held, notice);
      this.heardDuringSync = undefined;
      this.held = held;
    } catch (error) {
      if (generation !== this.generation || this.stopped) return;
      this.heardDuringSync = undefined;
      this.options.logger.warn({ err: error }, 'could not read the held channels; asking Redis per Command until it can');
      this.retry = setTimeout(() => void this.sync(), RESYNC_DELAY_MS);
      this.retry.unref();
    }
  }
}

function apply(held: Set<string>, notice: string): void {
  const channel = notice.slice(1);
  if (notice.startsWith('+')) held.add(channel);
  else if (notice.startsWith('-')) held.delete(channel);
}
