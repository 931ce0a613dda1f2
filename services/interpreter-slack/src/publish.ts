import { COMMAND_KIND_HEADER, CommandSchema, type Command } from '@megatron/contracts';
import { partitionOf, publishProto, streamNames, withTimeout, type JetStreamClient } from '@megatron/runtime';

/** NATS did not confirm storing the Command in time: nothing may be acknowledged to Slack. */
export class PublishFailed extends Error {
  override name = 'PublishFailed';
}

export interface PublishResult {
  /** JetStream had this Nats-Msg-Id already (a retry inside the duplicate window). */
  duplicate: boolean;
  /** Held in Redis behind its channel's earlier Commands, to be published in order (hold/). */
  held?: boolean;
}

/** Where Commands go: the stream's partition count is its own (ensureCommandStream), not necessarily COMMAND_PARTITIONS. */
export interface CommandLayout {
  js: JetStreamClient;
  partitions: number;
}

export interface CommandPublisherOptions {
  /** Resolves once NATS answered and the command stream is ensured; may stay pending for as long as NATS is away. */
  layout: Promise<CommandLayout>;
  namespace: string;
  timeoutMs: number;
}

export type PublishCommand = (command: Command) => Promise<PublishResult>;


/**
 * Publishes a Command on the partition of its channel, so command-core sees one channel's Commands
 * in order, with Nats-Msg-Id = command.id so Slack's retries are stored once. Resolves only after
 * the stream stored it, always within `timeoutMs`.
 */
export function createCommandPublisher(options: CommandPublisherOptions): PublishCommand {
  const names = streamNames(options.namespace).commands;
  return async (command) => {
    const started = Date.now();
    try {
      const { js, partitions } = await withTimeout(options.layout, options.timeoutMs, () => new PublishFailed(`no command stream within ${options.timeoutMs}ms`));
      const remainingMs = Math.max(1, options.timeoutMs - (Date.now() - started));
      const subject = names.subject(partitionOf(command.context?.channelId ?? '', partitions));
      const ack = await publishProto(js, subject, CommandSchema, command, {
        msgId: command.id,
        headers: { [COMMAND_KIND_HEADER]: command.kind.case ?? 'none' },
        timeoutMs: remainingMs,
      });
      return { duplicate: ack.duplicate };
    } catch (error) {
      if (error instanceof PublishFailed) throw error;
      throw new PublishFailed(`publishing ${command.id} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
}
