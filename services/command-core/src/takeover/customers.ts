import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { EngagementSchema, UserRefSchema, type Engagement } from '@megatron/contracts';
import type { EngagementRow } from '../db/engagements.js';
import { customerName, selectAgent, selectPlatformUser, setDmChannel, upsertAgent, upsertPlatformUser, type AgentRow, type PlatformUserRow } from '../db/people.js';
import type { CustomerWorkspace, Integration } from '../tenants/types.js';
import type { Actor, TakeoverContext } from './context.js';
import { AgentError } from './errors.js';
import { channelUrl } from './messages.js';
import { withToken } from './slack-gateway.js';

export interface Customer {
  workspace: CustomerWorkspace;
  user: PlatformUserRow;
  name: string;
}

export function workspaceName(customer: Customer): string {
  return customer.workspace.name || customer.workspace.domain || customer.workspace.platformId;
}

/**
 * How replies name a customer: `Sam Lee`, or `Sam Lee (Globex)` when the organization serves several
 * customer workspaces, where a name alone could be anyone's.
 */
export async function replyName(ctx: TakeoverContext, organizationId: string, customer: Customer): Promise<string> {
  const workspaces = await ctx.tenants.customerWorkspaces(organizationId);
  return workspaces.length > 1 ? `${customer.name} (${workspaceName(customer)})` : customer.name;
}

export async function customerWorkspace(ctx: TakeoverContext, organizationId: string, teamId: string): Promise<CustomerWorkspace> {
  const workspace = await ctx.tenants.customerWorkspace(organizationId, teamId);
  if (!workspace) throw new AgentError(`Megatron does not know the customer workspace ${teamId}; ask your administrator to connect it.`, Code.NotFound);
  return workspace;
}

/** The customer of an engagement, from the row that already carries their profile (no second read). */
export async function customerOfEngagement(ctx: TakeoverContext, organizationId: string, engagement: EngagementRow): Promise<Customer> {
  const workspace = await customerWorkspace(ctx, organizationId, engagement.team_id);
  const user: PlatformUserRow = {
    id: engagement.user_row_id,
    workspace_id: engagement.workspace_id,
    platform_id: engagement.user_id,
    username: engagement.username,
    display_name: engagement.display_name,
    real_name: engagement.real_name,
    image_url: engagement.image_url,
    dm_channel_id: engagement.dm_channel_id,
    tz: engagement.tz,
    tz_offset: engagement.tz_offset,
  };
  return { workspace, user, name: customerName(user) };
}

/** The customer's stored profile, fetched from their workspace the first time they are seen. */
export async function ensureCustomer(ctx: TakeoverContext, organizationId: string, teamId: string, userId: string): Promise<Customer> {
  const workspace = await customerWorkspace(ctx, organizationId, teamId);
  let user = await selectPlatformUser(ctx.pool, workspace.id, userId);
  if (!user) {
    let info;
    try {
      info = await ctx.customerTokens.call(workspace, (token) => ctx.slack.getUserInfo({ user: userId }, withToken(token)));
    } catch (error) {
      if (error instanceof ConnectError && error.code === Code.NotFound) {
        throw new AgentError(`There is no user ${userId} in workspace ${workspace.name || teamId}.`, Code.NotFound);
      }
      throw error;
    }
    const profile = info.user;
    user = await upsertPlatformUser(ctx.pool, workspace.id, userId, {
      username: profile?.name ?? '',
      displayName: profile?.displayName ?? '',
      realName: profile?.realName ?? '',
      imageUrl: profile?.imageUrl ?? '',
      tz: profile?.tz ?? '',
      tzOffset: profile?.tzOffset ?? 0,
    });
  }
  return { workspace, user, name: customerName(user) };
}

/** The customer's DM with the bot (conversations.open), remembered once known. */
export async function ensureDm(ctx: TakeoverContext, customer: Customer): Promise<string> {
  if (customer.user.dm_channel_id) return customer.user.dm_channel_id;
  const { channel } = await ctx.customerTokens.call(customer.workspace, (token) => ctx.slack.openDirectMessage({ user: customer.user.platform_id }, withToken(token)));
  await setDmChannel(ctx.pool, customer.user.id, channel);
  customer.user.dm_channel_id = channel;
  return channel;
}

/**
 * Agent rows are written once (their first Command) and never changed, so every Command after that finds its
 * agent in memory; the newest MAX_KNOWN_AGENTS are kept.
 */
const knownAgents = new Map<string, AgentRow>();
const MAX_KNOWN_AGENTS = 5_000;

export async function ensureAgent(ctx: TakeoverContext, integration: Integration, userId: string): Promise<AgentRow> {
  const key = `${integration.id}:${userId}`;
  const remembered = knownAgents.get(key);
  if (remembered) return remembered;
  const agent = (await selectAgent(ctx.pool, integration.id, userId)) ?? (await profileOf(ctx, integration, userId));
  knownAgents.set(key, agent);
  if (knownAgents.size > MAX_KNOWN_AGENTS) knownAgents.delete(knownAgents.keys().next().value as string);
  return agent;
}

async function profileOf(ctx: TakeoverContext, integration: Integration, userId: string): Promise<AgentRow> {
  const { user } = await ctx.slack.getUserInfo({ user: userId }, withToken(integration.botToken));
  return upsertAgent(ctx.pool, integration.id, userId, {
    username: user?.name ?? '',
    displayName: user?.displayName ?? '',
    realName: user?.realName ?? '',
    imageUrl: user?.imageUrl ?? '',
  });
}

export function agentName(agent: AgentRow): string {
  return agent.real_name || agent.display_name || agent.username || agent.platform_id;
}

/** An actor for a Slack agent: footers name them by real name. */
export async function agentActor(ctx: TakeoverContext, base: Omit<Actor, 'agentName'>): Promise<Actor> {
  if (!base.agentUserId) return { ...base, agentName: 'Megatron' };
  const agent = await ensureAgent(ctx, base.integration, base.agentUserId);
  return { ...base, agentName: agentName(agent) };
}

export function toEngagement(row: EngagementRow, integrationDomain: string): Engagement {
  return create(EngagementSchema, {
    channelId: row.channel_id,
    channelName: row.channel_name,
    channelUrl: channelUrl(integrationDomain, row.channel_id),
    customer: create(UserRefSchema, { teamId: row.team_id, userId: row.user_id }),
    customerName: customerName({ display_name: row.display_name, real_name: row.real_name, username: row.username, platform_id: row.user_id }),
    paused: row.is_paused,
    archived: row.is_archived,
    lastMessageAt: timestampFromDate(row.last_message_at),
    handledBy: row.handled_by,
    handledByName: row.handled_by_name,
    openedAt: timestampFromDate(row.opened_at),
    ...(row.first_response_at ? { firstResponseAt: timestampFromDate(row.first_response_at) } : {}),
  });
}

export function engagementCustomerName(row: EngagementRow): string {
  return customerName({ display_name: row.display_name, real_name: row.real_name, username: row.username, platform_id: row.user_id });
}
