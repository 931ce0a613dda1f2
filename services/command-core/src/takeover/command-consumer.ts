import { CommandSchema } from '@megatron/contracts';
import { commandConsumer, consumeProto, ensureCommandStream, ensureConsumer, mapConcurrently, streamNames, type NatsClients, type RunningConsumer } from '@megatron/runtime';
import type { TakeoverContext } from './context.js';
import type { ParkedChannels } from './parked-channels.js';

/** A standing pull for this many: max_ack_pending 1 still hands out one Command at a time (see resilient-pull.ts). */
const PARTITION_PULL_BATCH = 64;
/** Partitions declared at once at start: a replicated consumer takes about half a second to create. */
const SETUP_CONCURRENCY = 16;

/**
 * One durable consumer per command partition, every replica pulling from all of them: with
 * max_ack_pending 1 a partition (and so an engagement channel) has one Command in flight, which
 * keeps agent messages in order however many replicas run (see README, ordering and idempotency).
 * A Command that keeps failing parks its channel instead of holding the partition (parked-channels.ts).
 * The partition count is the stream's own (ensureCommandStream), whatever COMMAND_PARTITIONS says.
 */
export async function startCommandConsumers(
  ctx: TakeoverContext,
  nats: NatsClients,
  parked: ParkedChannels,
  handled: (kind: string, outcome: string) => void,
): Promise<RunningConsumer[]> {
  const { jsm } = nats;
  const { NATS_NAMESPACE: namespace, COMMAND_ACK_WAIT_MS: ackWaitMs } = ctx.config;
  const partitions = await ensureCommandStream(jsm, namespace, ctx.config.NATS_STREAM_REPLICAS, ctx.config.COMMAND_PARTITIONS, ctx.logger);
  const names = streamNames(namespace).commands;
  const start = async (partition: number): Promise<RunningConsumer> => {
    await ensureConsumer(jsm, commandConsumer(namespace, partition, ackWaitMs));
    return consumeProto({
      nc: nats.nc,
      js: ctx.js,
      stream: names.stream,
      durable: names.durable(partition),
      schema: CommandSchema,
      logger: ctx.logger,
      heartbeatMs: Math.max(1_000, Math.floor(ackWaitMs / 3)),
      pullBatch: PARTITION_PULL_BATCH,
      handle: async ({ message, msg, attempt }) => {
        const log = ctx.logger.child({ commandId: message.id, kind: message.kind.case, channel: message.context?.channelId, partition, attempt });
        try {
          const outcome = await parked.consume(message, msg.data, attempt, log);
          handled(message.kind.case ?? 'unknown', outcome.kind);
          log.debug({ outcome: outcome.kind }, 'command settled');
          return outcome;
        } catch (error) {
          handled(message.kind.case ?? 'unknown', 'retry');
          throw error;
        }
      },
    });
  };
  return mapConcurrently(Array.from({ length: partitions }, (_, partition) => partition), SETUP_CONCURRENCY, start);
}
