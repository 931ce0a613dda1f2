import { startSandbox, Story, type Sandbox } from '@megatron/sandbox';
import { natsNamespace, startThrowawayPostgres, startThrowawayRedis, type ThrowawayPostgres, type ThrowawayRedis } from '@megatron/testkit';
import { cleanRow, openLanes, settledReport, writeLoad } from './relay-load.js';

const LANES = 6;
const PER_LANE = 10;
const PER_SECOND = 10;
const DOWN_MS = 5_000;

/**
 * Postgres and Redis restarted mid-stream under the relay's load (README, "Delivery under faults"): each
 * row counts what agents wrote against what reached the customers, 0 lost, 0 duplicated, 0 reordered.
 */
describe('Postgres and Redis restarts', () => {
  let postgres: ThrowawayPostgres;
  let redis: ThrowawayRedis;
  let sandbox: Sandbox;
  let story: Story;

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startThrowawayPostgres(), startThrowawayRedis()]);
    sandbox = await startSandbox({ ports: 'free', databaseUrl: postgres.url, redisUrl: redis.url, namespace: natsNamespace(), logLevel: 'warn' });
    story = new Story(sandbox.sim.control, sandbox.seed, sandbox.notificationChannelId);
  }, 90_000);

  afterAll(async () => {
    await sandbox?.close();
    await Promise.all([postgres?.destroy(), redis?.destroy()]);
  }, 60_000);

  const restartedFor = (server: { stop(): Promise<void>; start(): Promise<void> }) => async () => {
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    await server.start();
  };

  it('a Postgres restart loses, repeats and reorders nothing', async () => {
    const lanes = await openLanes(story, sandbox.api, LANES, 'pgrestart');
    await writeLoad(story, lanes, { perLane: PER_LANE, perSecond: PER_SECOND, faultAfter: 12, during: restartedFor(postgres) });
    expect(cleanRow(await settledReport(story, lanes, PER_LANE, 60_000))).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
  }, 120_000);

  it('a Redis restart loses, repeats and reorders nothing', async () => {
    const lanes = await openLanes(story, sandbox.api, LANES, 'redisrestart');
    await writeLoad(story, lanes, { perLane: PER_LANE, perSecond: PER_SECOND, faultAfter: 12, during: restartedFor(redis) });
    expect(cleanRow(await settledReport(story, lanes, PER_LANE, 60_000))).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
  }, 120_000);
});
