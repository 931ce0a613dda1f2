import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, seedDemo, startSlackSim } from '../src/index.js';
import { rawCall } from './slack-client.js';

describe('Marketplace history limits for apps distributed outside the Marketplace', () => {
  let sim: SlackSim;
  let clock = Date.UTC(2026, 2, 2, 9);
  let globex: SimWorkspace;
  let limited: SimApp;
  let phil: SimUser;
  let dm: string;

  beforeAll(async () => {
    sim = await startSlackSim({ now: () => clock });
    globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    limited = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot', historyLimited: true });
    phil = await sim.control.createUser({ teamId: globex.id, name: 'phil' });
    for (let i = 0; i < 20; i += 1) {
      clock += 1000;
      dm = (await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: limited.appId,
        text: `message ${i}` })).channel;
    }
  });

  afterAll(async () => {
    await sim.close();
  });

  test('history answers once a minute with at most 15 messages, even with rate limits off', async () => {
    clock += 120_000;
    const first = await rawCall(sim, 'conversations.history', limited.botToken, { channel: dm, limit: '100' });
    expect(first.status).toBe(200);
    expect((first.body.messages as unknown[]).length).toBe(15);
    expect(first.body.has_more).toBe(true);
    clock += 20_000;
    const second = await rawCall(sim, 'conversations.history', limited.botToken, { channel: dm });
    expect(second).toMatchObject({ status: 429, retryAfter: '40', body: { ok: false, error: 'ratelimited' } });
    clock += 40_000;
    const third = await rawCall(sim, 'conversations.history', limited.botToken, { channel: dm, limit: '5' });
    expect((third.body.messages as unknown[]).length).toBe(5);
  });

  test('conversations.replies has its own once-a-minute allowance and the same page cap', async () => {
    clock += 120_000;
    const parent = await rawCall(sim, 'chat.postMessage', limited.botToken, { channel: dm, text: 'thread' });
    for (let i = 0; i < 16; i += 1) {
      await rawCall(sim, 'chat.postMessage', limited.botToken, { channel: dm, text: `reply ${i}`, thread_ts: String(parent.body.ts) });
    }
    const page = await rawCall(sim, 'conversations.replies', limited.botToken, { channel: dm, ts: String(parent.body.ts) });
    expect((page.body.messages as unknown[]).length).toBe(15);
    expect((await rawCall(sim, 'conversations.history', limited.botToken, { channel: dm })).status).toBe(200);
    const again = await rawCall(sim, 'conversations.replies', limited.botToken, { channel: dm, ts: String(parent.body.ts) });
    expect(again.status).toBe(429);
  });

  test('an app without the limit reads as often as it likes, and updateApp switches the limit', async () => {
    const free = await sim.control.createApp({ teamId: globex.id, name: 'Internal Tool' });
    const { channel } = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: free.appId, text: 'x' });
    for (let i = 0; i < 3; i += 1) {
      expect((await rawCall(sim, 'conversations.history', free.botToken, { channel })).status).toBe(200);
    }
    await sim.control.updateApp(free.appId, { historyLimited: true });
    expect((await rawCall(sim, 'conversations.history', free.botToken, { channel })).status).toBe(200);
    expect((await rawCall(sim, 'conversations.history', free.botToken, { channel })).status).toBe(429);
    await sim.control.updateApp(free.appId, { historyLimited: false });
    expect((await rawCall(sim, 'conversations.history', free.botToken, { channel })).status).toBe(200);
  });

  test('the demo seed limits the customer-side support bots and not Megatron', async () => {
    const demo = await startSlackSim();
    try {
      const seed = await seedDemo(demo.control, { interpreterUrl: 'http://127.0.0.1:9', appUrl: 'http://127.0.0.1:9' });
      const { channel } = await demo.control.sendDirectMessage({ teamId: seed.globex.workspace.id, userId: seed.globex.sam.id,
        appId: seed.globex.supportBot.appId, text: 'hi' });
      const read = (): Promise<number> => rawCall(demo, 'conversations.history', seed.globex.supportBot.botToken, { channel })
        .then((r) => r.status);
      expect([await read(), await read()]).toEqual([200, 429]);
      const megatron = seed.integration.megatron.botToken;
      const created = await rawCall(demo, 'conversations.create', megatron, { name: 'unlimited' });
      const id = (created.body.channel as { id: string }).id;
      for (let i = 0; i < 3; i += 1) expect((await rawCall(demo, 'conversations.history', megatron, { channel: id })).status).toBe(200);
    } finally {
      await demo.close();
    }
  });
});
