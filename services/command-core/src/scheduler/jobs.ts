import { insertActionMessage } from '../db/action-messages.js';
import { selectIdleSince, selectPausedQuietSince, type EngagementRow } from '../db/engagements.js';
import { selectStaleEngagedUsers, upsertPlatformUser } from '../db/people.js';
import type { Actor, TakeoverContext } from '../takeover/context.js';
import { engagementCustomerName } from '../takeover/customers.js';
import { runLifecycle } from '../takeover/lifecycle/run-lifecycle.js';
import { unpauseReminder } from '../takeover/messages.js';
import { withToken } from '../takeover/slack-gateway.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BATCH = 200;
/** SPEC §8: a paused channel quiet for longer than this gets an "Unpause?" reminder, once per quiet period. */
export const REMINDER_QUIET_MS = 3 * MINUTE;

/** One unit of a job's work, claimed on its own: its key names it across replicas and runs. */
export interface JobItem {
  key: string;
  run(): Promise<void>;
}

export interface Job {
  name: string;
  periodMs: number;
  /** The items due at `at`; each is claimed and run separately. */
  items(ctx: TakeoverContext, at: Date): Promise<JobItem[]>;
}

async function systemActor(ctx: TakeoverContext, organizationId: string, key: string): Promise<Actor | undefined> {
  const [organization, integration] = await Promise.all([ctx.tenants.organization(organizationId), ctx.tenants.integrationOf(organizationId)]);
  if (!organization || !integration) return undefined;
  return { kind: 'job', organization, integration, agentUserId: '', agentName: 'Megatron', key };
}

// A quiet period is named by the last message that began it: a new message starts a new one.
const quietPeriod = (row: EngagementRow) => `${row.id}:${row.last_message_at.toISOString()}`;

/** Every paused, open channel quiet for longer than REMINDER_QUIET_MS gets one reminder with an Unpause button. */
export const unpauseReminderJob: Job = {
  name: 'unpause-reminder',
  periodMs: MINUTE,
  async items(ctx, at) {
    const rows = await selectPausedQuietSince(ctx.pool, new Date(at.getTime() - REMINDER_QUIET_MS), BATCH);
    return rows.map((row) => ({
      key: quietPeriod(row),
      async run() {
        const integration = await ctx.tenants.integrationOf(row.organization_id);
        if (!integration) return;
        const key = { teamId: row.team_id, userId: row.user_id };
        const { ts } = await ctx.slack.postMessage({ channel: row.channel_id, content: unpauseReminder(engagementCustomerName(row), key) }, withToken(integration.botToken));
        await insertActionMessage(ctx.pool, { organizationId: row.organization_id, ...key }, { kind: 'reminder', channelId: row.channel_id, ts, at });
      },
    }));
  },
};

/** Open channels idle for IDLE_ARCHIVE_AFTER_MS are closed: unpaused if paused, a note says why, archived. */
export const archiveIdleJob: Job = {
  name: 'archive-idle',
  periodMs: HOUR,
  async items(ctx, at) {
    const rows = await selectIdleSince(ctx.pool, new Date(at.getTime() - ctx.config.IDLE_ARCHIVE_AFTER_MS), BATCH);
    return rows.map((row) => {
      const key = quietPeriod(row);
      return {
        key,
        async run() {
          const actor = await systemActor(ctx, row.organization_id, `job:archive-idle:${key}`);
          if (actor) await runLifecycle(ctx, actor, row.team_id, row.user_id, { type: 'close', reason: 'idle' });
        },
      };
    });
  },
};

/** Customers with open engagements get their names and avatars refreshed from Slack, once a day. */
export const refreshProfilesJob: Job = {
  name: 'refresh-profiles',
  periodMs: DAY,
  async items(ctx, at) {
    const rows = await selectStaleEngagedUsers(ctx.pool, new Date(at.getTime() - DAY / 2), BATCH);
    const day = at.toISOString().slice(0, 10);
    return rows.map((row) => ({
      key: `${row.workspace_id}:${row.platform_id}:${day}`,
      async run() {
        const workspace = await ctx.tenants.customerWorkspace(row.organization_id, row.workspace_platform_id);
        if (!workspace) return;
        const { user } = await ctx.customerTokens.call(workspace, (token) => ctx.slack.getUserInfo({ user: row.platform_id }, withToken(token)));
        await upsertPlatformUser(ctx.pool, row.workspace_id, row.platform_id, {
          username: user?.name ?? row.username,
          displayName: user?.displayName ?? row.display_name,
          realName: user?.realName ?? row.real_name,
          imageUrl: user?.imageUrl ?? row.image_url,
          tz: user?.tz ?? '',
          tzOffset: user?.tzOffset ?? 0,
        });
      },
    }));
  },
};

export const JOBS: Job[] = [unpauseReminderJob, archiveIdleJob, refreshProfilesJob];
