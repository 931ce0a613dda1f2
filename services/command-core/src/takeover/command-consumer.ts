import { CommandSchema } from '@megatron/contracts';
import { commandConsumer, commandStream, consumeProto, ensureConsumer, ensureStream, streamNames, type NatsClients, type RunningConsumer } from '@megatron/runtime';
import type { TakeoverContext } from './context.js';
import type { ParkedChannels } from './parked-channels.js';

/** A standing pull for this many: max_ack_pending 1 still hands out one Command at a time (see resilient-pull.ts). */
const PARTITION_PULL_BATCH = 64;

/**
 * One durable consumer per command partition, every replica pulling from all of them: with
 * max_ack_pending 1 a partition (and so an engagement channel) has one Command in flight, which
 * keeps agent messages in order however many replicas run (see README, ordering and idempotency).
 * A Command that keeps failing parks its channel instead of holding the partition (parked-channels.ts).
 */
export async function startCommandConsumers(
  ctx: TakeoverContext,
  nats: NatsClients,
  parked: ParkedChannels,
  handled: (kind: string, outcome: string) => void,
): Promise<RunningConsumer[]> {
  const { jsm } = nats;
  const { NATS_NAMESPACE: namespace, COMMAND_PARTITIONS: partitions, COMMAND_ACK_WAIT_MS: ackWaitMs } = ctx.config;
  await ensureStream(jsm, commandStream(namespace, ctx.config.NATS_STREAM_REPLICAS));
  const names = streamNames(namespace).commands;
  const running: RunningConsumer[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    await ensureConsumer(jsm, commandConsumer(namespace, partition, ackWaitMs));
    running.push(
      await consumeProto({
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
      }),
    );
  }
  return running;
}
