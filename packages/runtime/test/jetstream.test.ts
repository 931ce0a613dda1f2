import { create } from '@bufbuild/protobuf';
import { CommandSchema, type Command } from '@megatron/contracts';
import { natsNamespace, waitFor } from '@megatron/testkit';
import {
  ack,
  commandConsumer,
  commandStream,
  consumeProto,
  createLogger,
  ensureConsumer,
  ensureStream,
  nak,
  NatsLink,
  publishProto,
  streamNames,
  term,
  type Delivery,
  type NatsClients,
  type Outcome,
  type RunningConsumer,
} from '@megatron/runtime';

const logger = createLogger('jetstream-test', 'silent');
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('JetStream helpers', () => {
  let link: NatsLink;
  let clients: NatsClients;
  let namespace: string;
  let running: RunningConsumer | undefined;

  beforeEach(async () => {
    link = new NatsLink(NATS_URL, 'jetstream-test', logger);
    clients = await link.ready;
    namespace = natsNamespace();
    await ensureStream(clients.jsm, commandStream(namespace, 1));
    await ensureConsumer(clients.jsm, { ...commandConsumer(namespace, 0, 5_000), maxDeliver: 5 });
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await clients.jsm.streams.delete(streamNames(namespace).commands.stream);
    await link.close();
  });

  const publish = (id: string) =>
    publishProto(clients.js, streamNames(namespace).commands.subject(0), CommandSchema, create(CommandSchema, { id, kind: { case: 'help', value: {} } }), {
      msgId: id,
    });

  async function consume(decide: (delivery: Delivery<Command>) => Outcome): Promise<Delivery<Command>[]> {
    const seen: Delivery<Command>[] = [];
    running = await consumeProto({
      nc: clients.nc,
      js: clients.js,
      stream: streamNames(namespace).commands.stream,
      durable: streamNames(namespace).commands.durable(0),
      schema: CommandSchema,
      logger,
      handle: async (delivery) => {
        seen.push(delivery);
        return decide(delivery);
      },
    });
    return seen;
  }

  it('a nak redelivers the message after the delay, with the attempt counted', async () => {
    await publish('cmd-1');
    const seen = await consume((delivery) => (delivery.attempt === 1 ? nak(200, 'transient') : ack()));
    await waitFor(async () => seen.length >= 2, { what: 'redelivery after nak' });
    expect(seen.map((delivery) => [delivery.message.id, delivery.attempt])).toEqual([
      ['cmd-1', 1],
      ['cmd-1', 2],
    ]);
  });

  it('an acked message is not delivered again', async () => {
    await publish('cmd-2');
    await publish('cmd-3');
    const seen = await consume(() => ack());
    await waitFor(async () => seen.length >= 2, { what: 'both messages' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(seen.map((delivery) => delivery.message.id)).toEqual(['cmd-2', 'cmd-3']);
    const info = await clients.jsm.consumers.info(streamNames(namespace).commands.stream, streamNames(namespace).commands.durable(0));
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('a terminated message is never redelivered and the next one follows', async () => {
    await publish('poison');
    await publish('fine');
    const seen = await consume((delivery) => (delivery.message.id === 'poison' ? term('permanent') : ack()));
    await waitFor(async () => seen.length >= 2, { what: 'both messages' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(seen.map((delivery) => delivery.message.id)).toEqual(['poison', 'fine']);
  });

  it('a handler that throws is retried', async () => {
    await publish('flaky');
    const seen: number[] = [];
    running = await consumeProto({
      nc: clients.nc,
      js: clients.js,
      stream: streamNames(namespace).commands.stream,
      durable: streamNames(namespace).commands.durable(0),
      schema: CommandSchema,
      logger,
      retryDelaysMs: [100],
      handle: async (delivery) => {
        seen.push(delivery.attempt);
        if (delivery.attempt < 3) throw new Error('database blip');
        return ack();
      },
    });
    await waitFor(async () => seen.length >= 3, { what: 'three attempts' });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a second publish with the same message id is dropped as a duplicate', async () => {
    const first = await publish('same-id');
    const second = await publish('same-id');
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    const info = await clients.jsm.streams.info(streamNames(namespace).commands.stream);
    expect(info.state.messages).toBe(1);
  });
});
