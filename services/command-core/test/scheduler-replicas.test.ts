import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import { MegatronAdminService, type AppCommand } from '@megatron/contracts';
import { waitFor } from '@megatron/testkit';
import type { SimMessage } from '@megatron/slack-sim';
import { adminService } from '../src/admin/admin-service.js';
import type { ItemResult } from '../src/scheduler/scheduler.js';
import type { Takeover } from '../src/engine.js';
import { startWorld, type World } from './takeover-world.js';

jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let world: World;
let first: Takeover;
let second: Takeover;
let readAppCommands: () => Promise<AppCommand[]>;
let channel = '';
let lastMessageAt: Date;

const isReminder = (message: SimMessage) => message.text.includes('Paused: the bot is still paused for *Phil*');

async function slashReply(text: string, where: string): Promise<string> {
  const { integration } = world;
  const result = await world.sim.control.runSlashCommand({ teamId: integration.team.id, userId: integration.alice.id, channel: where, command: '/megatron', text, appId: integration.app.appId });
  expect(result.status).toBe(200);
  return waitFor(async () => ((await world.sim.control.responseUrlReplies(result.responseUrl))[0]?.body as { text?: string } | undefined)?.text, { timeoutMs: 15_000 });
}

async function philDm(): Promise<string> {
  const { customers } = world;
  const dm = await world.sim.control.dmChannel(customers.team.id, customers.phil.id, customers.app.botUserId);
  if (!dm) throw new Error('Phil has no DM with the support bot');
  return dm;
}

/** Both replicas run the same moment at the same time; returns what each reports of its items. */
async function runOnBoth(at: Date, job?: string): Promise<[ItemResult[], ItemResult[]]> {
  const options = { at, ...(job ? { job } : {}) };
  return Promise.all([first.runScheduledJobs(options), second.runScheduledJobs(options)]);
}

const done = (...runs: ItemResult[][]) => runs.flat().filter((item) => item.outcome === 'done').map((item) => item.job).sort();

beforeAll(async () => {
  world = await startWorld();
  first = (await world.replica()).takeover;
  second = (await world.replica()).takeover;
  readAppCommands = await world.appCommands('scheduler_test');
  const { customers, integration } = world;
  world.app.users.push({ username: 'phil', platformUserId: customers.phil.id, platformTeamId: customers.team.id });
  expect(await slashReply('open phil', integration.notifications)).toContain('#mt-phil_globex');
  channel = (await world.sim.control.findChannelByName(integration.team.id, 'mt-phil_globex'))?.id ?? '';
  expect(await slashReply('pause', channel)).toBe('Bot *paused* for user: Phil (Globex)');
  const { rows } = await world.pool.query<{ last_message_at: Date }>('select last_message_at from engagement_channels where channel_id = $1', [channel]);
  lastMessageAt = rows[0]?.last_message_at as Date;
  await readAppCommands();
});

afterAll(async () => {
  await world?.close();
});

describe('scheduled jobs with two replicas', () => {
  it('posts one "Paused" reminder when both replicas run the same minute, and none the minutes after while it stays quiet', async () => {
    const at = new Date(lastMessageAt.getTime() + 3 * MINUTE + 30_000);
    const [a, b] = await runOnBoth(at, 'unpause-reminder');
    expect(done(a, b)).toEqual(['unpause-reminder']);
    expect([...a, ...b].filter((item) => item.outcome === 'taken')).toHaveLength(1);
    const reminder = await waitFor(async () => (await world.sim.control.messages(channel)).find(isReminder), { what: 'the reminder' });
    expect(JSON.stringify(reminder.blocks)).toContain('"action_id":"unpause"');

    for (const later of [MINUTE, 10 * MINUTE]) {
      const [c, d] = await runOnBoth(new Date(at.getTime() + later), 'unpause-reminder');
      expect(done(c, d)).toEqual([]);
    }
    expect((await world.sim.control.messages(channel)).filter(isReminder)).toHaveLength(1);
  });

  it('closes an idle channel once across both replicas: one unpause, one notice, a closing note, the channel archived', async () => {
    const dm = await philDm();
    const at = new Date(lastMessageAt.getTime() + 37 * HOUR);
    const [a, b] = await runOnBoth(at, 'archive-idle');
    expect(done(a, b)).toEqual(['archive-idle']);
    expect((await world.sim.control.conversation(channel)).is_archived).toBe(true);
    expect((await world.sim.control.messages(dm)).filter((message) => message.text === "I'm back online")).toHaveLength(1);
    const unpauses = (await readAppCommands()).filter((command) => command.kind.case === 'pause' && !command.kind.value.paused);
    expect(unpauses).toHaveLength(1);
    expect((await world.sim.control.messages(channel)).some((message) => message.text.includes('Closed after a long time without messages'))).toBe(true);
    // The reminder's Unpause button is gone: the channel is closed.
    const reminder = (await world.sim.control.messages(channel)).find((message) => message.text.includes('Closed by Megatron'));
    expect(reminder).toBeDefined();
  });

  it('runs nothing twice when a replica is asked again for the same items', async () => {
    const [a, b] = await runOnBoth(new Date(lastMessageAt.getTime() + 37 * HOUR + MINUTE), 'archive-idle');
    expect(done(a, b)).toEqual([]);
  });
});

describe('MegatronAdminService.RunScheduledJobs', () => {
  const client = (appMode: 'megatron-dev' | 'megatron-production', now?: () => Date) =>
    createClient(
      MegatronAdminService,
      createRouterTransport((router) =>
        router.service(MegatronAdminService, adminService(world.admin, world.tenants, { appMode, engine: () => first, ...(now ? { now } : {}) })),
      ),
    );
  const claimedItems = async () => Number((await world.pool.query<{ n: string }>('select count(*) as n from job_items')).rows[0]?.n);

  it('refuses another moment than now outside megatron-dev, naming the variable, and runs nothing', async () => {
    const before = await claimedItems();
    const at = timestampFromDate(new Date(Date.now() + 40 * HOUR));
    const refused = await client('megatron-production').runScheduledJobs({ at }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((refused as ConnectError).message).toContain('MEGATRON_APP_MODE=megatron-dev');
    expect(await claimedItems()).toBe(before);
  });

  it('refuses an unknown job, naming the jobs there are', async () => {
    const refused = await client('megatron-dev').runScheduledJobs({ job: 'archive-everything' }).catch((error: unknown) => error);
    expect((refused as ConnectError).code).toBe(Code.InvalidArgument);
    expect((refused as ConnectError).message).toContain('unknown job "archive-everything": expected one of unpause-reminder, archive-idle, refresh-profiles');
  });

  it('answers UNAVAILABLE while the engine is not started yet', async () => {
    const starting = createClient(
      MegatronAdminService,
      createRouterTransport((router) => router.service(MegatronAdminService, adminService(world.admin, world.tenants, { appMode: 'megatron-dev', engine: () => undefined }))),
    );
    const refused = await starting.runScheduledJobs({}).catch((error: unknown) => error);
    expect((refused as ConnectError).code).toBe(Code.Unavailable);
  });

  it('runs a future moment in megatron-dev and reports each item it ran', async () => {
    // Profiles are refreshed for customers with an open channel; the idle job closed Phil's above.
    expect(await slashReply('open phil', world.integration.notifications)).toContain('#mt-phil_globex');
    const at = new Date(lastMessageAt.getTime() + 80 * 24 * HOUR);
    const { items } = await client('megatron-dev').runScheduledJobs({ at: timestampFromDate(at), job: 'refresh-profiles' });
    expect(items).toEqual([expect.objectContaining({ job: 'refresh-profiles', item: expect.stringContaining(world.customers.phil.id), outcome: 'done' })]);
  });

  it('in production runs the jobs of now', async () => {
    const now = new Date();
    const { items } = await client('megatron-production', () => now).runScheduledJobs({ at: timestampFromDate(now), job: 'unpause-reminder' });
    expect(items.filter((item) => item.outcome === 'failed')).toEqual([]);
  });
});
