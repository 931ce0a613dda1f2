import type { Db } from './tenants.js';

/** An engagement channel with its customer and the customer's workspace. */
export interface EngagementRow {
  id: string;
  organization_id: string;
  integration_id: string;
  channel_id: string;
  channel_name: string;
  is_paused: boolean;
  is_archived: boolean;
  last_message_at: Date;
  created_at: Date;
  card_ts: string;
  handled_by: string;
  handled_by_name: string;
  opened_at: Date;
  first_response_at: Date | null;
  /** Set while the channel's history is being imported (open-engagement.ts). */
  importing_since: Date | null;
  user_row_id: string;
  user_id: string;
  username: string;
  display_name: string;
  real_name: string;
  image_url: string;
  dm_channel_id: string;
  tz: string;
  tz_offset: number;
  workspace_id: string;
  team_id: string;
}

/** Every EngagementRow column, from the engagement with its customer and workspace joined; callers add the where clause. */
export const ENGAGEMENT_SELECT = `select e.id, e.organization_id, e.integration_id, e.channel_id, e.channel_name, e.is_paused, e.is_archived,
         e.last_message_at, e.created_at, e.card_ts, e.handled_by, e.handled_by_name, e.opened_at, e.first_response_at, e.importing_since, u.id as user_row_id, u.platform_id as user_id, u.username, u.display_name, u.real_name,
         u.image_url, u.dm_channel_id, u.tz, u.tz_offset, w.id as workspace_id, w.platform_id as team_id
    from engagement_channels e
    join platform_users u on u.id = e.platform_user_id
    join customer_workspaces w on w.id = u.workspace_id`;

export async function selectByChannel(db: Db, integrationId: string, channelId: string): Promise<EngagementRow | undefined> {
  const { rows } = await db.query<EngagementRow>(`${ENGAGEMENT_SELECT} where e.integration_id = $1 and e.channel_id = $2`, [integrationId, channelId]);
  return rows[0];
}

export async function selectByChannelInOrganization(db: Db, organizationId: string, channelId: string): Promise<EngagementRow | undefined> {
  const { rows } = await db.query<EngagementRow>(`${ENGAGEMENT_SELECT} where e.organization_id = $1 and e.channel_id = $2`, [organizationId, channelId]);
  return rows[0];
}

export async function selectByCustomer(db: Db, organizationId: string, teamId: string, userId: string): Promise<EngagementRow | undefined> {
  const { rows } = await db.query<EngagementRow>(`${ENGAGEMENT_SELECT} where e.organization_id = $1 and w.platform_id = $2 and u.platform_id = $3`, [
    organizationId,
    teamId,
    userId,
  ]);
  return rows[0];
}

export async function selectById(db: Db, id: string): Promise<EngagementRow | undefined> {
  const { rows } = await db.query<EngagementRow>(`${ENGAGEMENT_SELECT} where e.id = $1`, [id]);
  return rows[0];
}

/** Creates the customer's channel record or points it at a (re)opened channel; never two per customer. */
export async function upsertOpenEngagement(
  db: Db,
  values: { organizationId: string; integrationId: string; platformUserRowId: string; channelId: string; channelName: string; paused: boolean; now: Date },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into engagement_channels (organization_id, integration_id, platform_user_id, channel_id, channel_name, is_paused, last_message_at)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (integration_id, platform_user_id) do update
       set channel_id = excluded.channel_id, channel_name = excluded.channel_name, is_archived = false, is_paused = excluded.is_paused,
           card_ts = '',
           last_message_at = excluded.last_message_at, updated_at = now()
     returning id`,
    [values.organizationId, values.integrationId, values.platformUserRowId, values.channelId, values.channelName, values.paused, values.now],
  );
  return (rows[0] as { id: string }).id;
}

/**
 * The state the lifecycle moved to; only the state machine calls this. A channel (re)opened starts its
 * response-time clock afresh; one closed records when.
 */
export async function setLifecycleState(
  db: Db,
  id: string,
  state: { paused: boolean; archived: boolean; handler: string; handlerName: string; opened: boolean; closed: boolean; at: Date },
): Promise<void> {
  await db.query(
    `update engagement_channels set is_paused = $2, is_archived = $3, handled_by = $4, handled_by_name = $5, updated_at = now(),
            opened_at = case when $6 then $8 else opened_at end,
            first_customer_message_at = case when $6 then null else first_customer_message_at end,
            first_response_at = case when $6 then null else first_response_at end,
            first_responder = case when $6 then '' else first_responder end,
            closed_at = case when $6 then null when $7 then $8 else closed_at end
      where id = $1`,
    [id, state.paused, state.archived, state.handler, state.handlerName, state.opened, state.closed, state.at],
  );
}

export async function setCardTs(db: Db, id: string, ts: string): Promise<void> {
  await db.query('update engagement_channels set card_ts = $2 where id = $1', [id, ts]);
}

/** True for the one caller that may post the "bot is not paused" warning now (at most one per `seconds`). */
export async function claimNotPausedWarning(db: Db, id: string, now: Date, seconds: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `update engagement_channels set not_paused_warned_at = $2
      where id = $1 and (not_paused_warned_at is null or not_paused_warned_at <= $2::timestamptz - make_interval(secs => $3))`,
    [id, now, seconds],
  );
  return (rowCount ?? 0) === 1;
}

export async function selectEngagements(
  db: Db,
  organizationId: string,
  options: { includeArchived: boolean; limit: number; afterCreatedAt?: Date; afterId?: string },
): Promise<EngagementRow[]> {
  const params: unknown[] = [organizationId, options.includeArchived, options.limit];
  let cursor = '';
  if (options.afterCreatedAt && options.afterId) {
    params.push(options.afterCreatedAt, options.afterId);
    cursor = 'and (e.created_at, e.id) > ($4, $5)';
  }
  const { rows } = await db.query<EngagementRow>(
    `${ENGAGEMENT_SELECT} where e.organization_id = $1 and ($2 or not e.is_archived) ${cursor} order by e.created_at, e.id limit $3`,
    params,
  );
  return rows;
}

/** Paused, open channels quiet since before `quietSince`, oldest first. */
export async function selectPausedQuietSince(db: Db, quietSince: Date, limit: number): Promise<EngagementRow[]> {
  const { rows } = await db.query<EngagementRow>(
    `${ENGAGEMENT_SELECT} where e.is_paused and not e.is_archived and e.last_message_at < $1 order by e.last_message_at limit $2`,
    [quietSince, limit],
  );
  return rows;
}

export async function selectIdleSince(db: Db, before: Date, limit: number): Promise<EngagementRow[]> {
  const { rows } = await db.query<EngagementRow>(`${ENGAGEMENT_SELECT} where not e.is_archived and e.last_message_at < $1 order by e.last_message_at limit $2`, [
    before,
    limit,
  ]);
  return rows;
}

/** Engagements of customers with this user id in any of the organization's workspaces. */
export async function selectByCustomerUserId(db: Db, organizationId: string, userId: string): Promise<EngagementRow[]> {
  const { rows } = await db.query<EngagementRow>(`${ENGAGEMENT_SELECT} where e.organization_id = $1 and u.platform_id = $2`, [organizationId, userId]);
  return rows;
}

/** The open engagements among these customers of the organization, in one query however many they are. */
export async function selectOpenByCustomers(db: Db, organizationId: string, customers: Array<{ teamId: string; userId: string }>): Promise<EngagementRow[]> {
  if (customers.length === 0) return [];
  const { rows } = await db.query<EngagementRow>(
    `${ENGAGEMENT_SELECT}
     join unnest($2::text[], $3::text[]) as c (team_id, user_id) on c.team_id = w.platform_id and c.user_id = u.platform_id
     where e.organization_id = $1 and not e.is_archived`,
    [organizationId, customers.map((customer) => customer.teamId), customers.map((customer) => customer.userId)],
  );
  return rows;
}

/** True the first time this agent writes in this engagement while another handles it. */
export async function claimSecondAgentNote(db: Db, engagementId: string, agentUserId: string): Promise<boolean> {
  const { rowCount } = await db.query('insert into second_agent_notes (engagement_channel_id, agent_user_id) values ($1, $2) on conflict do nothing', [engagementId, agentUserId]);
  return (rowCount ?? 0) === 1;
}

/** The customer's first message since the channel opened starts the first-response clock (if no agent answered yet). */
export async function recordFirstCustomerMessage(db: Db, engagementId: string, at: Date): Promise<void> {
  await db.query(
    `update engagement_channels set first_customer_message_at = $2
      where id = $1 and first_customer_message_at is null and first_response_at is null and $2 >= opened_at`,
    [engagementId, at],
  );
}

/**
 * The first agent message the customer got since the channel opened: recorded once, answering how long the
 * customer waited (from their first message after the open, or the open itself), or nothing if already recorded.
 */
export async function recordFirstResponse(db: Db, engagementId: string, agentUserId: string, at: Date): Promise<number | undefined> {
  const { rows } = await db.query<{ waited_seconds: number }>(
    `update engagement_channels set first_response_at = $3, first_responder = $2
      where id = $1 and first_response_at is null
      returning greatest(0, extract(epoch from $3::timestamptz - coalesce(first_customer_message_at, opened_at)))::float8 as waited_seconds`,
    [engagementId, agentUserId, at],
  );
  return rows[0]?.waited_seconds;
}

export interface ResponseStats {
  engagements: number;
  answered: number;
  median_seconds: number | null;
  p90_seconds: number | null;
}

export interface AgentResponseStats extends ResponseStats {
  agent_user_id: string;
  agent_name: string;
}

const WAIT = 'extract(epoch from e.first_response_at - coalesce(e.first_customer_message_at, e.opened_at))';
const STATS = `count(*)::int as engagements, count(e.first_response_at)::int as answered,
  percentile_cont(0.5) within group (order by ${WAIT})::float8 as median_seconds,
  percentile_cont(0.9) within group (order by ${WAIT})::float8 as p90_seconds`;

/** Engagements of an integration opened in [since, until): how many, and how fast customers first got a person, overall and per agent. */
export async function selectResponseStats(db: Db, integrationId: string, since: Date, until: Date): Promise<{ total: ResponseStats; agents: AgentResponseStats[] }> {
  const where = 'from engagement_channels e where e.integration_id = $1 and e.opened_at >= $2 and e.opened_at < $3';
  const [total, agents] = await Promise.all([
    db.query<ResponseStats>(`select ${STATS} ${where}`, [integrationId, since, until]),
    db.query<AgentResponseStats>(
      `select e.first_responder as agent_user_id,
              coalesce(nullif(a.real_name, ''), nullif(a.display_name, ''), nullif(a.username, ''), e.first_responder) as agent_name, ${STATS}
         from engagement_channels e
         left join platform_agents a on a.integration_id = e.integration_id and a.platform_id = e.first_responder
        where e.integration_id = $1 and e.opened_at >= $2 and e.opened_at < $3 and e.first_responder <> ''
        group by e.first_responder, agent_name order by engagements desc, agent_name`,
      [integrationId, since, until],
    ),
  ]);
  return { total: total.rows[0] ?? { engagements: 0, answered: 0, median_seconds: null, p90_seconds: null }, agents: agents.rows };
}

export async function setImporting(db: Db, id: string, importing: boolean): Promise<void> {
  await db.query('update engagement_channels set importing_since = case when $2 then now() else null end where id = $1', [id, importing]);
}
