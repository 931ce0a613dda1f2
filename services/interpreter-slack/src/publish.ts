import { CommandSchema, type Command } from '@megatron/contracts';
import { partitionOf, publishProto, streamNames, type NatsClients } from '@megatron/runtime';

/** NATS did not confirm storing the Command in time: nothing may be acknowledged to Slack. */
export class PublishFailed extends Error {
  override name = 'PublishFailed';
}

export interface PublishResult {
  /** JetStream had this Nats-Msg-Id already (a retry inside the duplicate window). */
  duplicate: boolean;
}

export interface CommandPublisherOptions {
  /** Resolves once NATS is connected; may stay pending for as long as NATS is away. */
  clients: Promise<NatsClients>;
  namespace: string;
  partitions: number;
  timeoutMs: number;
}

export type PublishCommand = (command: Command) => Promise<PublishResult>;

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishFailed(`${what} within ${ms}ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

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
      const { js } = await within(options.clients, options.timeoutMs, 'no NATS connection');
      const remainingMs = Math.max(1, options.timeoutMs - (Date.now() - started));
      const subject = names.subject(partitionOf(command.context?.channelId ?? '', options.partitions));
      const ack = await publishProto(js, subject, CommandSchema, command, {
        msgId: command.id,
        headers: { 'megatron-command-kind': command.kind.case ?? 'none' },
        timeoutMs: remainingMs,
      });
      return { duplicate: ack.duplicate };
    } catch (error) {
      if (error instanceof PublishFailed) throw error;
      throw new PublishFailed(`publishing ${command.id} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
}
