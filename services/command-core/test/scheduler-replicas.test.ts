import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import { MegatronAdminService, type AppCommand } from '@megatron/contracts';
import { waitFor } from '@megatron/testkit';
import type { SimMessage } from '@megatron/slack-sim';
import { adminService } from '../src/admin/admin-service.js';
import { tickOf } from '../src/scheduler/scheduler.js';
import type { Takeover } from '../src/engine.js';
import { startWorld, type World } from './takeover-world.js';

jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const JOB_NAMES = ['archive-idle', 'refresh-profiles', 'unpause-reminder'];

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

/** Both replicas run the same moment at the same time; returns what each reports it ran. */
async function runOnBoth(at: Date, job?: string): Promise<[string[], string[]]> {
  const options = { at, ...(job ? { job } : {}) };
  return Promise.all([first.runScheduledJobs(options), second.runScheduledJobs(options)]);
}

beforeAll(async () => {
  world = await startWorld();
  first = (await world.replica()).takeover;
  second = (await world.replica()).takeover;
  readAppCommands = await world.appCommands('scheduler_test');
  const { customers, integration } = world;
  world.app.users.push({ username: 'phil', platformUserId: customers.phil.id, platformTeamId: customers.team.id });
  expect(await slashReply('open phil', integration.notifications)).toContain('#mt-phil_globex');
  channel = (await world.sim.control.findChannelByName(integration.team.id, 'mt-phil_globex'))?.id ?? '';
  expect(await slashReply('pause', channel)).toBe('Bot *paused* for user: Phil');
  const { rows } = await world.pool.query<{ last_message_at: Date }>('select last_message_at from engagement_channels where channel_id = $1', [channel]);
  lastMessageAt = rows[0]?.last_message_at as Date;
  await readAppCommands();
});

afterAll(async () => {
  await world?.close();
});

describe('scheduled jobs with two replicas', () => {
  it('posts one "Paused" reminder when both replicas run the same minute, and none the minute after', async () => {
    // The tick whose window (3–4 minutes before it) holds the channel's last message.
    const tick = new Date(tickOf(lastMessageAt, MINUTE).getTime() + 4 * MINUTE);
    const [a, b] = await runOnBoth(new Date(tick.getTime() + 30_000), 'unpause-reminder');
    expect([...a, ...b]).toEqual(['unpause-reminder']);
    const reminder = await waitFor(async () => (await world.sim.control.messages(channel)).find(isReminder), { what: 'the reminder' });
    expect(JSON.stringify(reminder.blocks)).toContain('"action_id":"unpause"');

    const [c, d] = await runOnBoth(new Date(tick.getTime() + MINUTE + 30_000), 'unpause-reminder');
    expect([...c, ...d]).toEqual(['unpause-reminder']);
    expect((await world.sim.control.messages(channel)).filter(isReminder)).toHaveLength(1);
  });

  it('runs every job of a tick once across both replicas: one unpause, one notice, one archive', async () => {
    const dm = await philDm();
    const at = new Date(lastMessageAt.getTime() + 37 * HOUR);
    const [a, b] = await runOnBoth(at);
    expect([...a, ...b].sort()).toEqual(JOB_NAMES);
    expect((await world.sim.control.conversation(channel)).is_archived).toBe(true);
    expect((await world.sim.control.messages(dm)).filter((message) => message.text === "I'm back online")).toHaveLength(1);
    const unpauses = (await readAppCommands()).filter((command) => command.kind.case === 'pause' && !command.kind.value.paused);
    expect(unpauses).toHaveLength(1);

  });

  it('runs nothing twice when a replica is asked again for a tick already run', async () => {
    const [a, b] = await runOnBoth(new Date(lastMessageAt.getTime() + 37 * HOUR + MINUTE), 'archive-idle');
    expect([...a, ...b]).toEqual([]);
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
  const claimedTicks = async () => Number((await world.pool.query<{ n: string }>('select count(*) as n from scheduled_job_runs')).rows[0]?.n);

  it('refuses another moment than now outside megatron-dev, naming the variable, and runs nothing', async () => {
    const before = await claimedTicks();
    const at = timestampFromDate(new Date(Date.now() + 40 * HOUR));
    const refused = await client('megatron-production').runScheduledJobs({ at }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((refused as ConnectError).message).toContain('MEGATRON_APP_MODE=megatron-dev');
    expect(await claimedTicks()).toBe(before);
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

  it('runs a future moment in megatron-dev and reports the jobs it ran', async () => {
    const at = new Date(lastMessageAt.getTime() + 80 * 24 * HOUR);
    const { ran } = await client('megatron-dev').runScheduledJobs({ at: timestampFromDate(at), job: 'refresh-profiles' });
    expect(ran).toEqual(['refresh-profiles']);
  });

  it('in production runs the jobs of now, the current tick being claimed afterwards', async () => {
    const now = new Date();
    await client('megatron-production', () => now).runScheduledJobs({ at: timestampFromDate(now), job: 'unpause-reminder' });
    const { rows } = await world.pool.query('select 1 from scheduled_job_runs where job = $1 and tick = $2', ['unpause-reminder', tickOf(now, MINUTE)]);
    expect(rows).toHaveLength(1);
  });
});
