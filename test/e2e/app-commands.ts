import { fromBinary } from '@bufbuild/protobuf';
import { AppCommandSchema, type AppCommand } from '@megatron/contracts';
import { connectNats, createLogger, streamNames } from '@megatron/runtime';
import { jetstream } from '@nats-io/jetstream';

/** Every app command command-core published in this namespace so far, oldest first (read without consuming). */
export async function appCommandsSent(namespace: string): Promise<AppCommand[]> {
  const nc = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'e2e-app-commands', createLogger('e2e', 'silent'));
  try {
    const consumer = await jetstream(nc).consumers.get(streamNames(namespace).appCommands.stream);
    const seen: AppCommand[] = [];
    for (;;) {
      const msg = await consumer.next({ expires: 1_000 });
      if (!msg) return seen;
      seen.push(fromBinary(AppCommandSchema, msg.data));
    }
  } finally {
    await nc.close();
  }
}

/** The pause app commands told about one customer, as `true` (paused) / `false` (unpaused), in order. */
export async function pausesToldFor(namespace: string, userId: string): Promise<boolean[]> {
  return (await appCommandsSent(namespace)).flatMap((command) => (command.kind.case === 'pause' && command.kind.value.userId === userId ? [command.kind.value.paused] : []));
}
