import type { Command } from '@megatron/contracts';
import type { Logger } from '@megatron/runtime';
import { PublishFailed, type PublishCommand } from '../publish.js';
import type { HeldChannelsView } from './held-channels-view.js';
import { HoldFailed, type HeldCommands } from './held-commands.js';

export interface HoldingPublisherOptions {
  /** Straight to JetStream (createCommandPublisher). */
  publish: PublishCommand;
  held: HeldCommands;
  /** Which channels are held, in memory; Redis is asked only while it is not in step. */
  view: HeldChannelsView;
  logger: Logger;
  now: () => number;
  /** Counts Commands held instead of published. */
  onHeld: (kind: string) => void;
}

/**
 * Publishes a Command, or holds it in its channel's queue in Redis (HeldCommands) when JetStream cannot
 * store it or the channel already has held Commands: either way it is safe to acknowledge to Slack.
 * Once a publish failed and a Command was held, later Commands are held at once rather than each
 * waiting out PUBLISH_TIMEOUT_MS, until a drainer gets one through (`natsBack`). Commands outside a
 * channel have no order to keep and are never held.
 */
export class HoldingPublisher {
  private natsDown = false;

  constructor(private readonly options: HoldingPublisherOptions) {}

  readonly publish: PublishCommand = async (command) => {
    const channel = command.context?.channelId;
    if (!channel) return this.options.publish(command);
    if (this.natsDown || (await this.channelIsHeld(channel))) {
      try {
        await this.hold(channel, command);
        this.options.onHeld(command.kind.case ?? 'none');
        return { duplicate: false, held: true };
      } catch (error) {
        if (!(error instanceof HoldFailed)) throw error;
        this.options.logger.warn({ err: error, commandId: command.id }, 'could not hold a Command; publishing it directly');
      }
    }
    try {
      const result = await this.options.publish(command);
      this.natsDown = false;
      return result;
    } catch (error) {
      if (!(error instanceof PublishFailed)) throw error;
      try {
        await this.hold(channel, command);
      } catch (holdError) {
        throw new PublishFailed(`${error.message}; holding it failed too: ${holdError instanceof Error ? holdError.message : String(holdError)}`, { cause: error });
      }
      this.natsDown = true;
      this.options.onHeld(command.kind.case ?? 'none');
      this.options.logger.warn({ err: error, commandId: command.id, channel }, 'JetStream did not store a Command; held in Redis until NATS is back');
      return { duplicate: false, held: true };
    }
  };

  /** A drainer published again: NATS answers. */
  natsBack(): void {
    this.natsDown = false;
  }

  private async hold(channel: string, command: Command): Promise<void> {
    await this.options.held.append(channel, command, this.options.now());
    this.options.view.markHeld(channel);
  }

  /** Redis away: the order of a held channel cannot be known, so the Command goes straight to JetStream. */
  private async channelIsHeld(channel: string): Promise<boolean> {
    const known = this.options.view.isHeld(channel);
    if (known !== undefined) return known;
    try {
      return await this.options.held.has(channel);
    } catch (error) {
      this.options.logger.warn({ err: error, channel }, 'could not check for held Commands; publishing directly');
      return false;
    }
  }
}
