import { fromBinary } from '@bufbuild/protobuf';
import { CommandSchema, type Command } from '@megatron/contracts';
import { ack, type Logger, type Outcome } from '@megatron/runtime';
import {
  appendParked,
  claimHead,
  deadLetterHead,
  dueChannels,
  extendLease,
  laneState,
  parkFailed,
  parkHeld,
  releaseHead,
  retryHeadLater,
  type HeadState,
  type ParkedCommand,
} from '../db/parked-commands.js';
import { deleteStep } from '../db/command-steps.js';
import { forwardLaneState } from '../db/forward-lane-state.js';
import { POSTING_STEP, postingStepNow, type PostingStep } from './agent-messages.js';
import { abandonCommand, forwardQueryOf, handleCommand, type ForwardAhead } from './command-handler.js';
import type { TakeoverContext } from './context.js';
import { HeldForChoice, RetryLater, retryAfterMs } from './errors.js';
import { laneOf } from './lanes.js';

/** Channels (and off-lane Commands) one replica runs at a time. */
const CONCURRENCY = 16;
const MAX_BACKOFF_MS = 60_000;

/** What waits behind a held message: the agent's later messages, edits and deletes (verbs and clicks do not). */
function waitsBehindHeld(command: Command): boolean {
  const kind = command.kind.case;
  return kind === 'message' || kind === 'fileShare' || kind === 'messageChanged' || kind === 'messageDeleted';
}

/** When to try a failed Command again: what the failure asked for, else exponential backoff with jitter. */
export function retryDelayMs(error: unknown, attempts: number): number {
  if (error instanceof RetryLater) return error.afterMs;
  const ceiling = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.max(0, attempts - 1));
  const backoff = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  return Math.max(backoff, retryAfterMs(error) ?? 0);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A failing channel holds only itself; a held message (the bot still answering, see held-messages.ts) holds
 * the agent's later messages behind it until the agent chooses. A Command that fails for a reason that may pass is parked in
 * Postgres as its channel's head and acked, which frees its stream partition for every other channel;
 * the channel's later Commands queue behind it, in order, until it succeeds. Every replica re-drives
 * parked heads (one holder at a time, by lease) with backoff; a head failing for longer than
 * PARKED_RETRY_WINDOW_MS is dead-lettered (kept, with its error), the agent told, and the rest flow.
 */
export class ParkedChannels {
  private timer: NodeJS.Timeout | undefined;
  private readonly active = new Set<string>();
  private readonly draining = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly ctx: TakeoverContext) {}

  /** The stream consumer's path: parked channels queue the Command; a transient failure parks it. */
  async consume(command: Command, raw: Uint8Array, attempt: number, logger: Logger): Promise<Outcome> {
    const ctx = { ...this.ctx, logger };
    const lane = laneOf(command);
    if (lane.kind === 'direct') return handleCommand(ctx, command, attempt);
    if (lane.kind === 'free') {
      // Stored, acked, and run by the re-drivers at once: the partition moves on in a few milliseconds.
      await appendParked(ctx.pool, lane.key, command.id, raw);
      void this.tick();
      return ack();
    }
    const key = lane.key;
    const { head, processed, forward } = await this.stateOf(command, key);
    if (processed) return ack();
    if (head === 'failing' || (head === 'held' && waitsBehindHeld(command))) {
      await appendParked(ctx.pool, key, command.id, raw);
      logger.debug({ head }, 'command queued behind its channel');
      return ack();
    }
    try {
      return await handleCommand(ctx, command, attempt, { lastChance: false, knownUnprocessed: true, ...(forward ? { forward } : {}) });
    } catch (error) {
      // A posting step written ahead of a post that never started would send the next attempt to read history.
      if (forward?.posting.written && !forward.posting.started) await deleteStep(ctx.pool, command.id, POSTING_STEP);
      if (error instanceof HeldForChoice) {
        await parkHeld(ctx.pool, key, command.id, raw);
        logger.info('message held until the agent chooses');
        return ack();
      }
      const delayMs = retryDelayMs(error, attempt);
      await parkFailed(ctx.pool, key, command.id, raw, delayMs, describe(error));
      logger.warn({ err: error, delayMs }, 'command failed; its channel is parked and retried');
      return ack();
    }
  }

  /** The lane's state; for an agent's message to forward, its engagement and posting step in the same round trip. */
  private async stateOf(command: Command, key: string): Promise<{ head: HeadState; processed: boolean; forward?: ForwardAhead }> {
    const query = await forwardQueryOf(this.ctx, command);
    if (!query) return laneState(this.ctx.pool, key, command.id);
    const { head, processed, engagement, priorPosting, postingWritten } = await forwardLaneState(this.ctx.pool, {
      channelKey: key,
      commandId: command.id,
      ...query,
      step: POSTING_STEP,
      stepResult: postingStepNow(),
    });
    return { head, processed, forward: { engagement, posting: { prior: priorPosting as PostingStep | undefined, written: postingWritten, started: false } } };
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.ctx.config.PARKED_POLL_MS);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await Promise.all(this.draining);
  }

  private async tick(): Promise<void> {
    const room = CONCURRENCY - this.active.size;
    if (room <= 0 || this.stopping) return;
    let channels: string[];
    try {
      channels = await dueChannels(this.ctx.pool, room + this.active.size, this.ctx.config.OFF_LANE_PER_ORGANIZATION);
    } catch (error) {
      this.ctx.logger.error({ err: error }, 'could not read parked channels; the next tick tries again');
      return;
    }
    for (const key of channels.filter((channel) => !this.active.has(channel)).slice(0, room)) {
      this.active.add(key);
      const drain = this.drain(key)
        .catch((error: unknown) => this.ctx.logger.error({ err: error, channel: key }, 'parked channel re-drive failed; the next tick tries again'))
        .finally(() => {
          this.active.delete(key);
          this.draining.delete(drain);
        });
      this.draining.add(drain);
    }
  }

  /** Runs the channel's Commands in order until one fails again or none is left. */
  private async drain(key: string): Promise<void> {
    const leaseMs = this.ctx.config.COMMAND_ACK_WAIT_MS * 2;
    while (!this.stopping) {
      const head = await claimHead(this.ctx.pool, key, leaseMs, this.ctx.config.OFF_LANE_PER_ORGANIZATION);
      if (!head || !(await this.whileLeased(head, leaseMs, () => this.runHead(head)))) return;
    }
  }

  /** A slow Slack must not let the lease lapse while the head runs (another replica would run it too). */
  private async whileLeased<T>(head: ParkedCommand, leaseMs: number, run: () => Promise<T>): Promise<T> {
    const renew = setInterval(() => {
      extendLease(this.ctx.pool, head.id, leaseMs).catch((error: unknown) => this.ctx.logger.warn({ err: error, commandId: head.command_id }, 'could not extend a parked command lease'));
    }, leaseMs / 3);
    try {
      return await run();
    } finally {
      clearInterval(renew);
    }
  }

  /** Settles the head: true when the channel may move on to its next Command. */
  private async runHead(head: ParkedCommand): Promise<boolean> {
    const { pool, logger } = this.ctx;
    const command = fromBinary(CommandSchema, head.command);
    // A parked Command was tried before: attempt > 1 lets a forward look for a post it may have made.
    const attempt = head.attempts + 1;
    try {
      await handleCommand(this.ctx, command, attempt, { lastChance: false });
      await releaseHead(pool, head.id);
      if (head.first_failed_at) logger.info({ commandId: command.id, channel: head.channel_key, attempt }, 'parked command went through; its channel flows again');
      return true;
    } catch (error) {
      if (error instanceof HeldForChoice) {
        await parkHeld(pool, head.channel_key, head.command_id, head.command);
        return false;
      }
      const failingMs = await retryHeadLater(pool, head.id, retryDelayMs(error, head.attempts), describe(error));
      if (failingMs < this.ctx.config.PARKED_RETRY_WINDOW_MS) {
        logger.warn({ err: error, commandId: command.id, channel: head.channel_key, attempt }, 'parked command failed again');
        return false;
      }
      await abandonCommand(this.ctx, command, error, failingMs);
      await deadLetterHead(pool, head.id, describe(error));
      logger.error({ err: error, commandId: command.id, channel: head.channel_key, attempt, failingMs }, 'parked command dead-lettered; its channel moves on');
      return true;
    }
  }
}
