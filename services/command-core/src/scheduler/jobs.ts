import { selectIdleSince, selectPausedIdleBetween } from '../db/engagements.js';
import { selectStaleEngagedUsers, upsertPlatformUser } from '../db/people.js';
import { closeEngagement } from '../takeover/close-engagement.js';
import type { Actor, TakeoverContext } from '../takeover/context.js';
import { ensureCustomer, engagementCustomerName } from '../takeover/customers.js';
import { unpauseReminder } from '../takeover/messages.js';
import { withToken } from '../takeover/slack-gateway.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BATCH = 200;

export interface Job {
  name: string;
  periodMs: number;
  run(ctx: TakeoverContext, tick: Date): Promise<number>;
}

async function systemActor(ctx: TakeoverContext, organizationId: string, key: string): Promise<Actor | undefined> {
  const [organization, integration] = await Promise.all([ctx.tenants.organization(organizationId), ctx.tenants.integrationOf(organizationId)]);
  if (!organization || !integration) return undefined;
  return { organization, integration, agentUserId: '', agentName: 'Megatron', key };
}

/** Paused, open channels quiet for 3–4 minutes get a "Paused" card with an Unpause button. */
export const unpauseReminderJob: Job = {
  name: 'unpause-reminder',
  periodMs: MINUTE,
  async run(ctx, tick) {
    const rows = await selectPausedIdleBetween(ctx.pool, new Date(tick.getTime() - 4 * MINUTE), new Date(tick.getTime() - 3 * MINUTE));
    for (const row of rows) {
      const integration = await ctx.tenants.integrationOf(row.organization_id);
      if (!integration) continue;
      await ctx.slack.postMessage(
        { channel: row.channel_id, content: unpauseReminder(engagementCustomerName(row), { teamId: row.team_id, userId: row.user_id }) },
        withToken(integration.botToken),
      );
    }
    return rows.length;
  },
};

/** Open channels idle for IDLE_ARCHIVE_AFTER_MS: unpaused if paused, then archived. */
export const archiveIdleJob: Job = {
  name: 'archive-idle',
  periodMs: HOUR,
  async run(ctx, tick) {
    const rows = await selectIdleSince(ctx.pool, new Date(tick.getTime() - ctx.config.IDLE_ARCHIVE_AFTER_MS), BATCH);
    let archived = 0;
    for (const row of rows) {
      try {
        const actor = await systemActor(ctx, row.organization_id, `job:archive-idle:${tick.toISOString()}:${row.id}`);
        if (!actor) continue;
        const customer = await ensureCustomer(ctx, row.organization_id, row.team_id, row.user_id);
        await closeEngagement(ctx, actor, { customer, engagement: row });
        archived++;
      } catch (error) {
        ctx.logger.warn({ err: error, channel: row.channel_id }, 'idle channel not archived; next tick tries again');
      }
    }
    return archived;
  },
};

/** Customers with open engagements get their names and avatars refreshed from Slack. */
export const refreshProfilesJob: Job = {
  name: 'refresh-profiles',
  periodMs: DAY,
  async run(ctx, tick) {
    const rows = await selectStaleEngagedUsers(ctx.pool, new Date(tick.getTime() - DAY / 2), BATCH);
    let refreshed = 0;
    for (const row of rows) {
      try {
        const workspace = await ctx.tenants.customerWorkspace(row.organization_id, row.workspace_platform_id);
        if (!workspace) continue;
        const { user } = await ctx.customerTokens.call(workspace, (token) => ctx.slack.getUserInfo({ user: row.platform_id }, withToken(token)));
        await upsertPlatformUser(ctx.pool, row.workspace_id, row.platform_id, {
          username: user?.name ?? row.username,
          displayName: user?.displayName ?? row.display_name,
          realName: user?.realName ?? row.real_name,
          imageUrl: user?.imageUrl ?? row.image_url,
        });
        refreshed++;
      } catch (error) {
        ctx.logger.warn({ err: error, userId: row.platform_id }, 'profile not refreshed');
      }
    }
    return refreshed;
  },
};

export const JOBS: Job[] = [unpauseReminderJob, archiveIdleJob, refreshProfilesJob];
