import net from 'node:net';
import { create } from '@bufbuild/protobuf';
import { CommandSchema } from '@megatron/contracts';
import { natsNamespace, waitFor } from '@megatron/testkit';
import {
  ack,
  commandConsumer,
  commandStream,
  consumeProto,
  createLogger,
  ensureConsumer,
  ensureStream,
  NatsLink,
  publishProto,
  streamNames,
  type NatsClients,
  type RunningConsumer,
} from '@megatron/runtime';
import { pino } from 'pino';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * A TCP hop between the consumer and NATS that a test can break: `kill()` closes every connection
 * through it (the client sees its socket close); `sever()` drops the server's side only, so the
 * server forgets the client while the client's socket stays open and silent (a half-open link).
 */
async function startFaultyLink(target: URL) {
  const pairs = new Set<{ client: net.Socket; server: net.Socket; severed: boolean }>();
  const proxy = net.createServer((client) => {
    const pair = { client, server: net.connect(Number(target.port), target.hostname), severed: false };
    pairs.add(pair);
    client.pipe(pair.server);
    pair.server.pipe(client);
    const drop = () => {
      if (pair.severed && !client.destroyed) return;
      pairs.delete(pair);
      client.destroy();
      pair.server.destroy();
    };
    client.on('error', drop).on('close', () => {
      pair.severed = false;
      drop();
    });
    pair.server.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `nats://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    kill: () => {
      for (const { client, server } of pairs) {
        client.destroy();
        server.destroy();
      }
    },
    sever: () => {
      for (const pair of pairs) {
        pair.severed = true;
        pair.client.unpipe();
        pair.server.unpipe();
        pair.server.destroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client } of pairs) client.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe('a consumer keeps consuming when its link to NATS breaks', () => {
  const quiet = createLogger('consumer-recovery-test', 'silent');
  let direct: NatsLink;
  let admin: NatsClients;
  let namespace: string;
  let link: Awaited<ReturnType<typeof startFaultyLink>>;
  let consumerLink: NatsLink;
  let running: RunningConsumer | undefined;
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });

  beforeEach(async () => {
    direct = new NatsLink(NATS_URL, 'consumer-recovery-admin', quiet);
    admin = await direct.ready;
    namespace = natsNamespace();
    await ensureStream(admin.jsm, commandStream(namespace, 1));
    // A short ack wait, so a message lost with a broken pull comes back within the test.
    await ensureConsumer(admin.jsm, { ...commandConsumer(namespace, 0, 2_000), maxDeliver: 20 });
    link = await startFaultyLink(new URL(NATS_URL));
    consumerLink = new NatsLink(link.url, 'consumer-recovery', quiet);
    logLines.length = 0;
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await consumerLink.close();
    await link.close();
    await admin.jsm.streams.delete(streamNames(namespace).commands.stream);
    await direct.close();
  });

  const publish = (id: string) =>
    publishProto(admin.js, streamNames(namespace).commands.subject(0), CommandSchema, create(CommandSchema, { id, kind: { case: 'help', value: {} } }), { msgId: id });

  async function consume(idleHeartbeatMs?: number): Promise<Set<string>> {
    const { nc, js } = await consumerLink.ready;
    const handled = new Set<string>();
    running = await consumeProto({
      nc,
      js,
      stream: streamNames(namespace).commands.stream,
      durable: streamNames(namespace).commands.durable(0),
      schema: CommandSchema,
      logger,
      ...(idleHeartbeatMs ? { idleHeartbeatMs } : {}),
      handle: async ({ message }) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        handled.add(message.id);
        return ack();
      },
    });
    return handled;
  }

  async function allSettled(): Promise<void> {
    const names = streamNames(namespace).commands;
    await waitFor(
      async () => {
        const info = await admin.jsm.consumers.info(names.stream, names.durable(0));
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { what: 'every message acked', timeoutMs: 15_000 },
    );
  }

  it('a connection killed mid-stream reconnects and every message is handled and acked', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `killed-${i}`);
    for (const id of ids) await publish(id);
    const handled = await consume();
    await waitFor(async () => handled.size >= 10, { what: 'the first messages' });
    link.kill();
    expect(handled.size).toBeLessThan(ids.length);

    await waitFor(async () => handled.size === ids.length, { what: 'every message after the reconnect', timeoutMs: 20_000 });
    await allSettled();
    expect([...handled].sort()).toEqual([...ids].sort());
  }, 40_000);

  it('a link that goes silent with its socket still open is noticed by the missing heartbeats and reconnected', async () => {
    const handled = await consume(500);
    await publish('before');
    await waitFor(async () => handled.has('before'), { what: 'a message before the link breaks' });

    link.sever();
    await waitFor(async () => logLines.some((line) => line.includes('NATS does not answer a ping; reconnecting')), {
      what: 'the consumer to notice the silence',
      timeoutMs: 10_000,
    });
    await publish('after');
    // NATS's own pings would take minutes to notice; the heartbeats make it seconds.
    await waitFor(async () => handled.has('after'), { what: 'a message published after the link broke', timeoutMs: 15_000 });
    await allSettled();
  }, 40_000);
});
