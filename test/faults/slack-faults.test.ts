import { waitFor } from '@megatron/testkit';
import { startE2eWorld, type E2eWorld } from '../e2e/world.js';
import { cleanRow, deliveryReport, laneText, openLanes, settledReport, writeLoad, type Lane } from './relay-load.js';

const LANES = 6;
const PER_LANE = 8;
/** The fault table's load, scaled down to stay quick: 10 agent messages a second across 6 channels. */
const PER_SECOND = 10;
const RETRY_WINDOW_MS = 15_000;

/**
 * Delivery under Slack faults (README, "Delivery under faults"): every row counts what agents wrote
 * against what reached the customers' DMs, and must show 0 lost, 0 duplicated, 0 reordered.
 */
describe('delivery when Slack misbehaves', () => {
  let world: E2eWorld;
  let lanes: Lane[];
  let round = 0;

  beforeAll(async () => {
    world = await startE2eWorld({
      'connection-slack': { SLACK_REQUEST_TIMEOUT_MS: '1000' },
      'command-core': { UNCERTAIN_POST_RECHECK_MS: '2500', PARKED_RETRY_WINDOW_MS: String(RETRY_WINDOW_MS), PARKED_POLL_MS: '250' },
    });
    // Unknown outcomes are settled by reading the DM's history; Slack's one-read-a-minute limit for
    // non-Marketplace apps would make that a matter of minutes (the limit's own path is unit-tested).
    await world.story.control.updateApp(world.sandbox.seed.globex.supportBot.appId, { historyLimited: false });
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  }, 30_000);

  beforeEach(async () => {
    await world.story.control.clearFaults();
    round += 1;
    lanes = await openLanes(world.story, world.sandbox.api, LANES, `r${round}c`);
  }, 60_000);

  const customerBotToken = () => world.sandbox.seed.globex.supportBot.botToken;

  it('a slow chat.postMessage that lands after the request timeout is not posted twice', async () => {
    await writeLoad(world.story, lanes, {
      perLane: PER_LANE,
      perSecond: PER_SECOND,
      faultAfter: 12,
      during: () => world.story.control.fault({ kind: 'latency', method: 'chat.postMessage', token: customerBotToken(), latencyMs: 1_500, count: 5 }),
    });
    expect(cleanRow(await settledReport(world.story, lanes, PER_LANE, 30_000))).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
  }, 60_000);

  it('a connection reset after Slack posted is not posted twice', async () => {
    await writeLoad(world.story, lanes, {
      perLane: PER_LANE,
      perSecond: PER_SECOND,
      faultAfter: 12,
      during: () => world.story.control.fault({ kind: 'reset_after_send', method: 'chat.postMessage', token: customerBotToken(), count: 5 }),
    });
    expect(cleanRow(await settledReport(world.story, lanes, PER_LANE, 30_000))).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
  }, 60_000);

  it('one channel failing for a while holds only itself, then catches up in order', async () => {
    const [failing, ...others] = lanes as [Lane, ...Lane[]];
    await world.story.control.fault({ kind: '5xx', method: 'chat.postMessage', channel: failing.dm, count: 100_000 });
    await writeLoad(world.story, lanes, { perLane: PER_LANE, perSecond: PER_SECOND });
    // The others are all delivered while the failing channel still fails: none waited behind it.
    const othersDone = await settledReport(world.story, others, PER_LANE, 15_000);
    expect(cleanRow(othersDone)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    expect((await deliveryReport(world.story, [failing], PER_LANE)).delivered).toBe(0);
    await world.story.control.clearFaults();
    expect(cleanRow(await settledReport(world.story, lanes, PER_LANE, 30_000))).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
  }, 60_000);

  it('a channel failing past the retry window gives up on its head, tells the agent in a thread, and the rest flow', async () => {
    const [failing] = lanes as [Lane, ...Lane[]];
    await world.story.control.fault({ kind: '5xx', method: 'chat.postMessage', channel: failing.dm, count: 100_000 });
    const written: string[] = [];
    for (let n = 1; n <= 3; n++) written.push((await world.story.agentWrites(world.story.alice, failing.channel, laneText(failing.index, n))).ts);
    const notice = await waitFor(
      async () => (await world.story.control.messages(failing.channel)).find((message) => message.thread_ts === written[0] && message.ts !== written[0]),
      { timeoutMs: RETRY_WINDOW_MS + 20_000, intervalMs: 250, what: 'the notice under the undelivered message' },
    );
    expect(notice.text).toContain('did not reach the customer');
    await world.story.control.clearFaults();
    const report = await waitFor(
      async () => {
        const current = await deliveryReport(world.story, [failing], 3);
        return current.delivered === 2 ? current : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the later messages delivered' },
    );
    expect(report.perLane[0]?.delivered).toEqual([2, 3]);
  }, 90_000);
});
