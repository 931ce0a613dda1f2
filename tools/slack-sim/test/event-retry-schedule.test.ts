import { DEFAULT_RETRY_DELAYS_MS, SLACK_RETRY_SCHEDULE_MS, type SlackSim, startSlackSim } from '../src/index.js';
import { parseRetryDelays } from '../src/retry-delays-env.js';
import { AppReceiver, waitFor } from './app-receiver.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the event retry schedule', () => {
  let sim: SlackSim;
  let failing: AppReceiver;
  let arrivals: number[];

  beforeAll(async () => {
    sim = await startSlackSim({ ackTimeoutMs: 300 });
    failing = await new AppReceiver().start();
    failing.respond = (_req, res) => {
      arrivals.push(Date.now());
      res.writeHead(500).end();
    };
  });

  beforeEach(async () => {
    await sim.control.reset();
    arrivals = [];
    failing.received.length = 0;
  });

  afterAll(async () => {
    await sim.close();
    await failing.stop();
  });

  async function customerWritesToFailingApp(): Promise<void> {
    const ws = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    const bot = await sim.control.createApp({ teamId: ws.id, name: 'Bot', eventsUrl: `${failing.url}/events` });
    const phil = await sim.control.createUser({ teamId: ws.id, name: 'phil' });
    await sim.control.sendDirectMessage({ teamId: ws.id, userId: phil.id, appId: bot.appId, text: 'hello?' });
  }

  test('Slack\'s schedule is at once, after a minute and after five minutes', () => {
    expect(SLACK_RETRY_SCHEDULE_MS).toEqual([0, 60_000, 300_000]);
  });

  test('the control API sets the delays between retries at runtime', async () => {
    expect(await sim.control.setEventRetries({ delaysMs: [0, 150, 300] })).toEqual({ on: true, delaysMs: [0, 150, 300] });
    await customerWritesToFailingApp();
    await waitFor(() => (arrivals.length === 4 ? true : undefined));
    const [a, b, c, d] = arrivals as [number, number, number, number];
    expect(b - a).toBeLessThan(140);
    expect(c - b).toBeGreaterThanOrEqual(140);
    expect(d - c).toBeGreaterThanOrEqual(290);
    expect(failing.received.map((r) => r.headers['x-slack-retry-num'])).toEqual([undefined, '1', '2', '3']);
  });

  test('with Slack\'s schedule the first retry comes at once and the second waits, until a reset cancels it', async () => {
    await sim.control.setEventRetries({ delaysMs: SLACK_RETRY_SCHEDULE_MS });
    await customerWritesToFailingApp();
    await waitFor(() => (arrivals.length === 2 ? true : undefined));
    await sleep(300);
    expect(arrivals).toHaveLength(2);
    await sim.control.reset();
    expect(await sim.control.setEventRetries({})).toEqual({ on: true, delaysMs: [...DEFAULT_RETRY_DELAYS_MS] });
  });

  test('retries can be switched off', async () => {
    await sim.control.setEventRetries({ on: false });
    await customerWritesToFailingApp();
    await sleep(300);
    expect(arrivals).toHaveLength(1);
  });

  test('bad settings are refused', async () => {
    await expect(sim.control.setEventRetries({ delaysMs: [] })).rejects.toThrow(/delaysMs/);
    await expect(sim.control.setEventRetries({ delaysMs: [-1] })).rejects.toThrow(/delaysMs/);
  });

  test('SLACK_SIM_RETRY_DELAYS_MS takes milliseconds or "slack"', () => {
    expect(parseRetryDelays(undefined)).toBeUndefined();
    expect(parseRetryDelays('0, 60000,300000')).toEqual([0, 60_000, 300_000]);
    expect(parseRetryDelays('slack')).toEqual([0, 60_000, 300_000]);
    expect(() => parseRetryDelays('1s,2s')).toThrow(/SLACK_SIM_RETRY_DELAYS_MS/);
  });
});
