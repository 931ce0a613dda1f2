import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { streamNames } from '@megatron/runtime';
import { summarize, type Summary } from '../stats.js';
import { Semaphore } from './semaphore.js';

export interface Stages {
  /** Agent's message stored by Slack → its Command stored in JetStream (Slack's delivery, the interpreter). */
  ingressMs: Summary;
  /** Command stored → the copy stored in the customer's DM (command-core, connection-slack, Slack's post). */
  coreMs: Summary;
}

export interface StageSample {
  eventId: string;
  sentMs: number;
  arrivedMs: number;
}

/**
 * Splits each message's end-to-end time at the moment JetStream stored its Command, read back from the
 * stream (msg id `event:<event_id>`, as the interpreter publishes it).
 */
export async function stageBreakdown(natsUrl: string, namespace: string, samples: readonly StageSample[]): Promise<Stages | null> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = streamNames(namespace).commands.stream;
    const info = await jsm.streams.info(stream);
    const storedMs = new Map<string, number>();
    const semaphore = new Semaphore(16);
    const seqs = Array.from({ length: info.state.last_seq - info.state.first_seq + 1 }, (_, i) => info.state.first_seq + i);
    await Promise.all(
      seqs.map((seq) =>
        semaphore.run(async () => {
          const stored = await jsm.streams.getMessage(stream, { seq });
          const id = stored?.header?.get('Nats-Msg-Id');
          if (stored && id?.startsWith('event:')) storedMs.set(id.slice('event:'.length), stored.time.getTime());
        }),
      ),
    );
    const ingress: number[] = [];
    const core: number[] = [];
    for (const sample of samples) {
      const stored = storedMs.get(sample.eventId);
      if (stored === undefined) continue;
      ingress.push(stored - sample.sentMs);
      core.push(sample.arrivedMs - stored);
    }
    return ingress.length > 0 ? { ingressMs: summarize(ingress), coreMs: summarize(core) } : null;
  } finally {
    await nc.close();
  }
}
