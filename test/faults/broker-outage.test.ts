import { startSandbox, Story, type Sandbox } from '@megatron/sandbox';
import { createTestDatabase, natsNamespace, startThrowawayNats, type TestDatabase, type ThrowawayNats } from '@megatron/testkit';
import { startReadyProxy, type ReadyProxy } from './ready-proxy.js';
import { cleanRow, openLanes, settledReport, writeLoad, type Lane } from './relay-load.js';

/** Slack's own schedule: a retry right away, one after a minute, one after five (docs.slack.dev, Events API). */
const SLACK_RETRY_DELAYS_MS = [0, 60_000, 300_000];
const OUTAGE_MS = 60_000;
const LANES = 6;
const PER_LANE = 25;
const PER_SECOND = 2;

/**
 * NATS stopped for a minute mid-stream, with two interpreter replicas behind a readiness-aware proxy (what
 * a Kubernetes Service does) and the simulator retrying events on Slack's real schedule: every agent
 * message reaches its customer once, in order (README, "Delivery under faults").
 */
describe('a one-minute NATS outage with two interpreters', () => {
  let nats: ThrowawayNats;
  let database: TestDatabase;
  let sandbox: Sandbox;
  let story: Story;
  let proxy: ReadyProxy;
  let lanes: Lane[];

  beforeAll(async () => {
    nats = await startThrowawayNats();
    database = await createTestDatabase();
    sandbox = await startSandbox({ ports: 'free', databaseUrl: database.url, namespace: natsNamespace(), natsUrl: nats.url, logLevel: 'warn' });
    const second = await sandbox.startReplica('interpreter-slack');
    proxy = await startReadyProxy([sandbox.urls.interpreter, second.httpUrl]);
    story = new Story(sandbox.sim.control, sandbox.seed, sandbox.notificationChannelId);
    await story.control.updateApp(sandbox.seed.integration.megatron.appId, {
      eventsUrl: `${proxy.url}/megatron/slack/event/`,
      interactivityUrl: `${proxy.url}/megatron/slack/interactive-message/`,
      slashCommands: [{ command: '/megatron', url: `${proxy.url}/megatron/slack/slash-command/` }],
    });
    await story.control.setEventRetries({ on: true, delaysMs: SLACK_RETRY_DELAYS_MS });
    lanes = await openLanes(story, sandbox.api, LANES, 'outage');
  }, 90_000);

  afterAll(async () => {
    await nats?.start().catch(() => undefined);
    await proxy?.close();
    await sandbox?.close();
    await database?.drop();
    await nats?.destroy();
  }, 60_000);

  it('loses, repeats and reorders nothing', async () => {
    await writeLoad(story, lanes, {
      perLane: PER_LANE,
      perSecond: PER_SECOND,
      faultAfter: 12,
      during: async () => {
        await nats.stop();
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
        await nats.start();
      },
    });
    const report = await settledReport(story, lanes, PER_LANE, 60_000);
    expect(cleanRow(report)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    expect(report.delivered).toBe(LANES * PER_LANE);
    // The interpreters stayed ready (they held what NATS could not store), so the proxy turned nothing away.
    expect(proxy.refused).toBe(0);
  }, 240_000);
});
