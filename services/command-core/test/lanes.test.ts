import { waitFor } from '@megatron/testkit';
import { TokenCache } from '../src/api/token-cache.js';
import { TenantChanges } from '../src/tenants/tenant-changes.js';
import { logger, philTakenOver, startApiWorld, type World } from './takeover-world.js';

jest.setTimeout(60_000);

// One ordered lane for every channel: whatever holds a lane would hold them all.
let world: World;
let client: Awaited<ReturnType<typeof startApiWorld>>['client'];
let close: () => Promise<void>;

beforeAll(async () => {
  const started = await startApiWorld('lanes-test', { COMMAND_PARTITIONS: '1' });
  ({ world, client } = started);
  close = () => started.api.close();
});

afterAll(async () => {
  await close?.();
  await world?.close();
});

it("an open waiting on a slow app holds no lane: another channel's message goes first", async () => {
  const { customers, integration, sim, app } = world;
  const { channel, dm } = await philTakenOver(world, client);
  app.users.push({ username: 'sam', platformUserId: customers.sam.id, platformTeamId: customers.team.id });
  app.searchDelay.ms = 3_000;
  try {
    const opened = await sim.control.runSlashCommand({ teamId: integration.team.id, userId: integration.alice.id, channel: integration.notifications, command: '/megatron', text: 'open sam', appId: integration.app.appId });
    await sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel, text: 'Not held back by the open' });
    await waitFor(async () => (await sim.control.messages(dm)).some((message) => message.text.startsWith('Not held back by the open')), { what: 'the relayed message', timeoutMs: 15_000 });
    // Still looking sam up when Phil already has his message.
    expect(await sim.control.responseUrlReplies(opened.responseUrl)).toEqual([]);
    await waitFor(async () => (await sim.control.responseUrlReplies(opened.responseUrl)).length > 0, { what: 'the open answered', timeoutMs: 15_000 });
  } finally {
    app.searchDelay.ms = 0;
  }
});

it('a revoked API token is refused by every replica at once, not after a cache lifetime', async () => {
  const replicas = await Promise.all([0, 1].map(async () => {
    const changes = new TenantChanges(world.pool, logger);
    await changes.start();
    return { changes, tokens: new TokenCache(world.pool, changes) };
  }));
  try {
    const { token, tokenId } = await world.admin.issueApiToken(world.organizationId, 'revoke-me');
    for (const { tokens } of replicas) expect(await tokens.authenticate(token)).toBe(world.organizationId);
    await world.admin.revokeApiToken(tokenId);
    for (const { tokens } of replicas) await waitFor(async () => (await tokens.authenticate(token)) === undefined, { what: 'the revocation heard', timeoutMs: 5_000, intervalMs: 50 });
  } finally {
    await Promise.all(replicas.map(({ changes }) => changes.stop()));
  }
});

it('many customers opened at once all get their channel: lifecycle locks do not starve the queries they make', async () => {
  const { customers, integration, sim } = world;
  // More than the 10 connections of command-core's query pool, each open holding its customer's lock.
  const people = await Promise.all(Array.from({ length: 24 }, (_, index) => sim.control.createUser({ teamId: customers.team.id, name: `crowd${index}`, realName: `Crowd ${index}` })));
  const opened = await Promise.allSettled(people.map((person) => client.openEngagement({ customer: { teamId: customers.team.id, userId: person.id }, agentUserId: integration.alice.id })));
  expect(opened.filter((result) => result.status === 'rejected').map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);
  expect(new Set(opened.map((result) => (result.status === 'fulfilled' ? result.value.engagement?.channelId : undefined))).size).toBe(24);
});

it("opens the channel with a note when Slack does not answer the history read in time, instead of failing the open", async () => {
  const { customers, integration, sim } = world;
  const person = await sim.control.createUser({ teamId: customers.team.id, name: 'slowhistory', realName: 'Slow History' });
  await sim.control.fault({ kind: 'latency', method: 'conversations.history', latencyMs: 7_000, count: 1 });
  try {
    const { engagement } = await client.openEngagement({ customer: { teamId: customers.team.id, userId: person.id }, agentUserId: integration.alice.id });
    expect(engagement?.channelId).toBeTruthy();
    const texts = (await sim.control.messages(engagement?.channelId ?? '')).map((message) => message.text);
    expect(texts).toContain('_Earlier messages of this conversation could not be read from Slack right now; new ones will appear here._');
  } finally {
    await sim.control.clearFaults();
  }
});
