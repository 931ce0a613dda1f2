import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, waitFor } from '@megatron/testkit';
import { visibleText, type Customer, type Sandbox, type Story } from '@megatron/sandbox';
import type { SimMessage } from '@megatron/slack-sim';
import { startE2eWorld, type E2eWorld } from './world.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface EngagementJson {
  channelId: string;
  paused?: boolean;
  archived?: boolean;
  lastMessageAt: string;
}

// SPEC §8 with every real process and a controlled clock: the admin API runs the jobs "at" a later moment.
describe('scheduled jobs on a controlled clock', () => {
  let world: E2eWorld;
  let sandbox: Sandbox;
  let story: Story;
  let phil: Customer;
  let philDm: string;
  let channel: string;

  const isReminder = (message: SimMessage) => message.text.includes('Paused: the bot is still paused');

  async function call<T>(service: string, method: string, token: string, body: unknown): Promise<T> {
    const response = await fetch(`${sandbox.urls.api}/megatron.v1.${service}/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (response.status !== 200) throw new Error(`${method} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  }

  const runJobs = (at: Date, job?: string) =>
    call<{ items?: Array<{ job: string; outcome: string }> }>('MegatronAdminService', 'RunScheduledJobs', sandbox.secrets.adminToken, { at: at.toISOString(), ...(job ? { job } : {}) });
  const doneJobs = ({ items }: { items?: Array<{ job: string; outcome: string }> }) => (items ?? []).filter((item) => item.outcome === 'done').map((item) => item.job);

  const engagement = async () =>
    (await call<{ engagement: EngagementJson }>('MegatronService', 'GetEngagement', sandbox.secrets.apiToken, { channelId: channel })).engagement;

  beforeAll(async () => {
    world = await startE2eWorld();
    ({ sandbox, story } = world);
    phil = story.customer('globex', 'phil');

    await story.customerSays(phil, 'What are your opening hours?');
    philDm = await story.dmOf(phil);
    await story.waitForText(philDm, 'Monday to Friday');
    channel = await story.openEngagement(story.alice, phil);
    await story.agentRuns(story.alice, channel, 'pause');
    await story.waitForText(philDm, "I've been paused");
    await waitFor(async () => sandbox.bot.state.isPaused(phil.home.workspace.id, phil.user.id), { what: 'the bot to be paused' });
    // The pause is recorded once its effects are done (the customer is told before): the jobs read the record.
    await waitFor(async () => (await engagement()).paused, { what: 'the engagement recorded as paused' });
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  it('a paused channel quiet for more than 3 minutes gets the "Paused" warning with an Unpause button, once per quiet period', async () => {
    const lastMessageAt = new Date((await engagement()).lastMessageAt);
    const tick = new Date(lastMessageAt.getTime() + 3 * MINUTE + 30_000);
    expect(doneJobs(await runJobs(tick, 'unpause-reminder'))).toEqual(['unpause-reminder']);
    const reminder = await story.waitForMessage(channel, isReminder, 'the "Paused" warning');
    expect(visibleText(reminder)).toContain(`paused for *${phil.user.name}*`);
    expect(JSON.stringify(reminder.blocks)).toContain('"action_id":"unpause"');

    // The next minute through the operator's command, which calls the same rpc on the running process.
    const nextMinute = new Date(tick.getTime() + MINUTE + 30_000).toISOString();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot(), 'services/command-core/dist/admin/megatron-admin.js'), 'jobs', 'run', '--job', 'unpause-reminder', '--at', nextMinute],
      {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: world.database.url,
          TOKEN_ENCRYPTION_KEY: sandbox.secrets.encryptionKey,
          COMMAND_CORE_URL: `http://127.0.0.1:${sandbox.ports.services['command-core'].grpc}`,
          MEGATRON_ADMIN_TOKEN: sandbox.secrets.adminToken,
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual({ items: [expect.objectContaining({ job: 'unpause-reminder', outcome: 'taken' })] });
    expect((await story.control.messages(channel)).filter(isReminder)).toHaveLength(1);
  });

  it('an open channel idle for more than 36 hours is unpaused (customer and app told) and archived; 35 hours is not enough', async () => {
    const lastMessageAt = new Date((await engagement()).lastMessageAt);
    expect(doneJobs(await runJobs(new Date(lastMessageAt.getTime() + 35 * HOUR), 'archive-idle'))).toEqual([]);
    expect((await story.control.conversation(channel)).is_archived).toBe(false);
    expect(await engagement()).toMatchObject({ paused: true });

    expect(doneJobs(await runJobs(new Date(lastMessageAt.getTime() + 37 * HOUR), 'archive-idle'))).toEqual(['archive-idle']);
    expect((await story.control.conversation(channel)).is_archived).toBe(true);
    await story.waitForText(philDm, "I'm back online");
    await waitFor(async () => !sandbox.bot.state.isPaused(phil.home.workspace.id, phil.user.id), { what: 'the app to be told the bot is unpaused' });
    const after = await engagement();
    expect(after.archived).toBe(true);
    expect(after.paused ?? false).toBe(false);
  });
});
