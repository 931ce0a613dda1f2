import { Code } from '@connectrpc/connect';
import { metricValue } from '@megatron/testkit';
import { rpcError, seedWorkspace, startHarness, withToken, type Harness } from './harness.js';

const USERS = 1000;

let harness: Harness;
let seed: Awaited<ReturnType<typeof seedWorkspace>>;

beforeAll(async () => {
  harness = await startHarness({ BROADCAST_CONCURRENCY: '8' });
  seed = await seedWorkspace(harness.sim, 0);
});

afterAll(async () => {
  await harness.close();
});

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return out;
}

test('a 1,000-user broadcast under enforced rate limits completes with one result per user', async () => {
  const names = Array.from({ length: USERS }, (_, i) => `customer${i}`);
  const users = await inBatches(names, 50, (name) => harness.sim.control.createUser({ teamId: seed.workspace.id, name }));
  // A minute's allowance (the burst) well below the 1,000 DMs to open: unless the run took over 25 s,
  // refills cannot cover the rest, so it has to wait out 429s even on a loaded machine.
  await harness.sim.control.setRateLimits(true, { perMinute: { 3: 700 } });
  const rateLimitedBefore = await metricValue(harness.httpUrl, 'megatron_slack_rate_limited_total', (l) => l.includes('conversations.open'));

  const targets = [...users.slice(0, 500).map((u) => u.id), 'U0NOSUCHUSER', ...users.slice(500).map((u) => u.id)];
  const { results } = await harness.client.broadcastMessages(
    { users: targets, content: { text: 'We have news' }, captureFeedback: true, broadcastId: 'bc-42' },
    withToken(seed.token),
  );

  expect(results.map((r) => r.user)).toEqual(targets);
  expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ user: 'U0NOSUCHUSER', ok: false, error: 'user_not_found' })]);
  expect(await metricValue(harness.httpUrl, 'megatron_slack_rate_limited_total', (l) => l.includes('conversations.open'))).toBeGreaterThan(
    rateLimitedBefore,
  );
  await harness.sim.control.setRateLimits(false);

  const delivered = await inBatches(
    results.filter((r) => r.ok),
    50,
    async (r) => ({ result: r, messages: await harness.sim.control.messages(r.channel) }),
  );
  for (const { result, messages } of delivered) {
    expect(messages.map((m) => m.ts)).toEqual([result.ts]);
  }
  const [sample] = delivered;
  expect(sample?.messages[0]?.text).toBe('We have news');
  // 👍 and 👎 on one row: one actions block, each button with its own action id as Block Kit requires.
  const rows = (sample?.messages[0]?.blocks ?? []).filter((block) => (block as { type?: string }).type === 'actions') as Array<{ elements: Array<{ action_id?: string; value?: string }> }>;
  expect(rows.map((row) => row.elements.map((b) => [b.action_id, b.value]))).toEqual([
    [
      ['feedback_up', 'bc-42|up'],
      ['feedback_down', 'bc-42|down'],
    ],
  ]);
}, 90_000);

test('a broadcast without users is refused', async () => {
  const error = await rpcError(harness.client.broadcastMessages({ users: [], content: { text: 'x' } }, withToken(seed.token)));
  expect(error.code).toBe(Code.InvalidArgument);
  expect(error.rawMessage).toBe('users needs at least one user id');
});

test('feedback buttons need a broadcast id', async () => {
  const error = await rpcError(
    harness.client.broadcastMessages({ users: ['U1'], content: { text: 'x' }, captureFeedback: true }, withToken(seed.token)),
  );
  expect(error.code).toBe(Code.InvalidArgument);
  expect(error.rawMessage).toBe('broadcast_id is required with capture_feedback');
});
