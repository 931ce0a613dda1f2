import type { Client } from '@connectrpc/connect';
import type { MegatronService } from '@megatron/contracts';
import type { Metrics } from '@megatron/runtime';
import { waitFor } from '@megatron/testkit';
import { serveApi, startWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

const T0 = new Date('2026-11-20T09:00:00Z').getTime();
const MINUTE = 60_000;

let world: World;
let api: WorldApi;
let client: Client<typeof MegatronService>;
let now = T0;
let metrics: Metrics;

beforeAll(async () => {
  world = await startWorld();
  const replica = await world.replica(() => new Date(now));
  const { takeover } = replica;
  metrics = replica.metrics;
  api = await serveApi(world, takeover.megatronService);
  client = api.client((await world.admin.issueApiToken(world.organizationId, 'stats-test')).token);
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

/** Opens the customer's channel at `at` and pauses the bot, as an agent would before writing. */
async function openAt(at: number, customer: { teamId: string; userId: string }, agentUserId = world.integration.alice.id): Promise<string> {
  now = at;
  const { engagement } = await client.openEngagement({ customer, agentUserId });
  await client.pauseCustomer({ customer });
  return engagement?.channelId ?? '';
}

/** An agent writes at `at`; resolves once the customer has it. */
async function agentWritesAt(at: number, agent: string, channel: string, text: string, dm: () => Promise<string | undefined>): Promise<void> {
  now = at;
  await world.sim.control.postAsUser({ teamId: world.integration.team.id, userId: agent, channel, text });
  await waitFor(async () => {
    const channelId = await dm();
    return channelId && (await world.sim.control.messages(channelId)).some((message) => message.text.startsWith(text));
  }, { what: `"${text}" delivered`, timeoutMs: 15_000 });
}

it('/megatron stats sums up a scripted week: engagements, median and p90 first response, per agent; the histograms observe each', async () => {
  const { customers, otherCustomers, integration, sim } = world;
  const bob = await sim.control.createUser({ teamId: integration.team.id, name: 'bob', realName: 'Bob Agent' });
  const dmOf = (teamId: string, userId: string, botUserId: string) => () => sim.control.dmChannel(teamId, userId, botUserId);
  const phil = { teamId: customers.team.id, userId: customers.phil.id };
  const sam = { teamId: otherCustomers.team.id, userId: otherCustomers.sam.id };
  const oldCustomer = { teamId: customers.team.id, userId: customers.sam.id };

  // Eight days before: outside the week.
  const old = await openAt(T0 - 8 * 24 * 60 * MINUTE, oldCustomer);
  await agentWritesAt(T0 - 8 * 24 * 60 * MINUTE + MINUTE, integration.alice.id, old, 'From last week', dmOf(customers.team.id, customers.sam.id, customers.app.botUserId));

  // Phil: opened at T0, writes a minute later, Alice answers at three minutes: he waited 2 minutes.
  const philChannel = await openAt(T0, phil);
  now = T0 + MINUTE;
  await client.incoming({ message: { ...phil, ts: `${(T0 + MINUTE) / 1000}.000100`, content: { text: 'Still there?' } } });
  await agentWritesAt(T0 + 3 * MINUTE, integration.alice.id, philChannel, 'Alice here', dmOf(customers.team.id, customers.phil.id, customers.app.botUserId));
  await agentWritesAt(T0 + 4 * MINUTE, integration.alice.id, philChannel, 'A second answer counts for nothing', dmOf(customers.team.id, customers.phil.id, customers.app.botUserId));

  // Sam (Initech): opened at T0 + 10 minutes, never wrote since; Bob answers 5 minutes after the open.
  const samChannel = await openAt(T0 + 10 * MINUTE, sam, bob.id);
  await agentWritesAt(T0 + 15 * MINUTE, bob.id, samChannel, 'Bob here', dmOf(otherCustomers.team.id, otherCustomers.sam.id, otherCustomers.app.botUserId));

  now = T0 + 60 * MINUTE;
  const result = await sim.control.runSlashCommand({ teamId: integration.team.id, userId: integration.alice.id, channel: integration.notifications, command: '/megatron', text: 'stats', appId: integration.app.appId });
  const summary = await waitFor(async () => {
    const replies = await sim.control.responseUrlReplies(result.responseUrl);
    return (replies.map((reply) => (reply.body as { text?: string }).text ?? '')).find((text) => text.includes('The last 7 days'));
  }, { what: 'the stats reply', timeoutMs: 15_000 });
  expect(summary.split('\n')).toEqual([
    '*The last 7 days*',
    '2 engagements, 2 answered · first response median 3 min 30 s, p90 4 min 42 s',
    '*By the agent who answered first*',
    '• Alice Smith: 1 engagement, 1 answered · first response median 2 min 00 s, p90 2 min 00 s',
    '• Bob Agent: 1 engagement, 1 answered · first response median 5 min 00 s, p90 5 min 00 s',
  ]);
  const exposition = await metrics.registry.metrics();
  expect(exposition).toMatch(/^megatron_first_response_seconds_count\{[^}]*\} 3$/m);
  expect(exposition).toMatch(/^megatron_first_response_seconds_sum\{[^}]*\} 480$/m);

  now = T0 + 90 * MINUTE;
  await client.closeEngagement({ customer: phil });
  expect(await metrics.registry.metrics()).toMatch(/^megatron_engagement_duration_seconds_sum\{[^}]*\} 5400$/m);
});
