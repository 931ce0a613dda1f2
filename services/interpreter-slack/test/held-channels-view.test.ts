import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { CommandSchema, type Command } from '@megatron/contracts';
import { createLogger, createRedis, type Redis } from '@megatron/runtime';
import { redisPrefix, waitFor } from '@megatron/testkit';
import type { PublishCommand } from '../src/publish.js';
import { HeldChannelsView } from '../src/hold/held-channels-view.js';
import { HeldCommands } from '../src/hold/held-commands.js';
import { HoldingPublisher } from '../src/hold/holding-publisher.js';

const logger = createLogger('held-channels-view-test', 'silent');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One interpreter replica's share of Redis: its client, its HeldCommands and its view of them. */
interface Replica {
  redis: Redis;
  held: HeldCommands;
  view: HeldChannelsView;
  /** The name the view's subscribed connection shows in CLIENT LIST. */
  subscriberName: string;
}

let prefix: string;
const replicas: Replica[] = [];

function replica(reconnectAfter?: () => number): Replica {
  const redis = createRedis(REDIS_URL, logger, prefix);
  const subscriberName = `held-view-test-${randomUUID()}`;
  // The view's connection is a duplicate of this client and takes its options: the name, and how soon it reconnects.
  redis.options.connectionName = subscriberName;
  if (reconnectAfter) redis.options.retryStrategy = reconnectAfter;
  const held = new HeldCommands(redis, 1_000);
  const view = new HeldChannelsView({ redis, held, logger });
  const made = { redis, held, view, subscriberName };
  replicas.push(made);
  return made;
}

const commandIn = (channel: string, id: string): Command => create(CommandSchema, { id, context: { channelId: channel } });

async function inStep(view: HeldChannelsView, channel: string, held: boolean): Promise<void> {
  await waitFor(async () => view.isHeld(channel) === held, { timeoutMs: 5_000, what: `the view to say ${channel} is ${held ? '' : 'not '}held` });
}

beforeEach(() => {
  prefix = redisPrefix();
});

afterEach(async () => {
  for (const { view, redis } of replicas.splice(0)) {
    view.stop();
    await redis.quit();
  }
});

describe('HeldChannelsView', () => {
  it("tells every replica at once that another one held a channel's first Command, and that its last one was drained", async () => {
    const [a, b] = [replica(), replica()];
    await inStep(b.view, 'C1', false);
    await a.held.append('C1', commandIn('C1', 'event:Ev1'), Date.now());
    await a.held.append('C1', commandIn('C1', 'event:Ev2'), Date.now());
    await inStep(b.view, 'C1', true);
    expect(b.view.isHeld('C2')).toBe(false);

    let head = await a.held.head('C1');
    expect(await a.held.pop('C1', head!.bytes)).toBe(true);
    expect(b.view.isHeld('C1')).toBe(true);
    head = await a.held.head('C1');
    expect(await a.held.pop('C1', head!.bytes)).toBe(false);
    await inStep(b.view, 'C1', false);
    await inStep(a.view, 'C1', false);
  });

  it('starts from what is already held, and after losing its connection knows nothing until it has read it again, missing nothing held meanwhile', async () => {
    const a = replica();
    await a.held.append('C1', commandIn('C1', 'event:Ev1'), Date.now());
    // b's connections come back a second after they are lost: time to hold a Command while b cannot hear of it.
    const b = replica(() => 1_000);
    await inStep(b.view, 'C1', true);

    // b's own client carries the name too; the view's is the one subscribed.
    const lines = String(await a.redis.client('LIST')).split('\n');
    const subscriber = /^id=(\d+) /.exec(lines.find((line) => line.includes(` name=${b.subscriberName} `) && line.includes(' sub=1 ')) ?? '')?.[1];
    expect(subscriber).toBeDefined();
    await a.redis.client('KILL', 'ID', subscriber!);
    await waitFor(async () => b.view.isHeld('C1') === undefined, { timeoutMs: 900, intervalMs: 10, what: 'b to know it is out of step' });
    await a.held.append('C2', commandIn('C2', 'event:Ev2'), Date.now());
    expect(b.view.isHeld('C2')).toBeUndefined();
    await inStep(b.view, 'C2', true);
    expect(b.view.isHeld('C1')).toBe(true);
  });
});

describe('HoldingPublisher with the view', () => {
  it("asks Redis nothing to publish a channel nobody holds, and holds a Command behind another replica's", async () => {
    const [a, b] = [replica(), replica()];
    const published: string[] = [];
    const publish: PublishCommand = async (command) => {
      published.push(command.id);
      return { duplicate: false, held: false };
    };
    let asked = 0;
    const has = b.held.has.bind(b.held);
    b.held.has = async (channel) => {
      asked += 1;
      return has(channel);
    };
    const publisher = new HoldingPublisher({ publish, held: b.held, view: b.view, logger, now: Date.now, onHeld: () => undefined });
    await inStep(b.view, 'C1', false);

    for (const n of [1, 2, 3]) expect(await publisher.publish(commandIn('C1', `event:Ev${n}`))).toEqual({ duplicate: false, held: false });
    expect(published).toEqual(['event:Ev1', 'event:Ev2', 'event:Ev3']);
    expect(asked).toBe(0);

    await a.held.append('C1', commandIn('C1', 'event:Ev4'), Date.now());
    await inStep(b.view, 'C1', true);
    expect(await publisher.publish(commandIn('C1', 'event:Ev5'))).toEqual({ duplicate: false, held: true });
    expect(published).toHaveLength(3);
    expect(asked).toBe(0);
    const queued = await a.redis.lrangeBuffer('interpreter-slack:held:C1', 0, -1);
    expect(queued).toHaveLength(2);
  });

  it('asks Redis per Command while the view is not in step', async () => {
    const b = replica();
    b.view.stop();
    let asked = 0;
    const has = b.held.has.bind(b.held);
    b.held.has = async (channel) => {
      asked += 1;
      return has(channel);
    };
    const publish: PublishCommand = async () => ({ duplicate: false, held: false });
    const publisher = new HoldingPublisher({ publish, held: b.held, view: b.view, logger, now: Date.now, onHeld: () => undefined });
    await publisher.publish(commandIn('C1', 'event:Ev1'));
    await publisher.publish(commandIn('C1', 'event:Ev2'));
    expect(asked).toBe(2);
  });
});
