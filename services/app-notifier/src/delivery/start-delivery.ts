import { AppCommandSchema, type AppCommand } from '@megatron/contracts';
import {
  appCommandStream,
  appDeadLetterStream,
  consumeProto,
  ensureConsumer,
  ensureStream,
  streamNames,
  type Delivery,
  type JetStreamClient,
  type JetStreamManager,
  type Logger,
  type NatsConnection,
  type Outcome,
  type RunningConsumer,
} from '@megatron/runtime';

export interface DeliveryLoopOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  namespace: string;
  /** NATS_STREAM_REPLICAS of both streams. */
  replicas: number;
  logger: Logger;
  handle: (delivery: Delivery<AppCommand>) => Promise<Outcome>;
  retryCount: number;
  requestTimeoutMs: number;
  concurrency: number;
}

/** Declares the streams and the durable consumer, then pulls with `concurrency` parallel loops. */
export async function startDelivery(options: DeliveryLoopOptions): Promise<{ stop(): Promise<void> }> {
  const names = streamNames(options.namespace);
  await ensureStream(options.jsm, appCommandStream(options.namespace, options.replicas));
  await ensureStream(options.jsm, appDeadLetterStream(options.namespace, options.replicas));
  await ensureConsumer(options.jsm, {
    stream: names.appCommands.stream,
    durable: names.appCommands.durable,
    // Comfortably above one request, so a slow app is not mistaken for a crashed replica.
    ackWaitMs: options.requestTimeoutMs + 15_000,
    // Commands of different organizations must not wait behind each other.
    maxAckPending: 1_000,
    // The first try plus one per scheduled retry; the last one dead-letters instead of failing.
    maxDeliver: options.retryCount + 1,
  });
  const loops: RunningConsumer[] = [];
  for (let i = 0; i < options.concurrency; i++) {
    loops.push(
      await consumeProto({
        nc: options.nc,
        js: options.js,
        stream: names.appCommands.stream,
        durable: names.appCommands.durable,
        schema: AppCommandSchema,
        logger: options.logger,
        handle: options.handle,
      }),
    );
  }
  return {
    async stop() {
      await Promise.all(loops.map((loop) => loop.stop()));
    },
  };
}
