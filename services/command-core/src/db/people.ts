import type { Db } from './tenants.js';

export interface Profile {
  username: string;
  displayName: string;
  realName: string;
  imageUrl: string;
  /** Slack's time zone of the person (`Europe/Paris`) and its offset in seconds, when known. */
  tz?: string;
  tzOffset?: number;
}

export interface PlatformUserRow {
  id: string;
  workspace_id: string;
  platform_id: string;
  username: string;
  display_name: string;
  real_name: string;
  image_url: string;
  dm_channel_id: string;
  tz: string;
  tz_offset: number;
}

const USER = 'id, workspace_id, platform_id, username, display_name, real_name, image_url, dm_channel_id, tz, tz_offset';

/** The customer's best name for people: display name, then real name, then username, then id. */
export function customerName(row: Pick<PlatformUserRow, 'display_name' | 'real_name' | 'username' | 'platform_id'>): string {
  return row.display_name || row.real_name || row.username || row.platform_id;
}

export async function upsertPlatformUser(db: Db, workspaceId: string, platformId: string, profile: Profile): Promise<PlatformUserRow> {
  const { rows } = await db.query<PlatformUserRow>(
    `insert into platform_users (workspace_id, platform_id, username, display_name, real_name, image_url, tz, tz_offset, profile_refreshed_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, now())
     on conflict (workspace_id, platform_id) do update
       set username = excluded.username, display_name = excluded.display_name, real_name = excluded.real_name,
           image_url = excluded.image_url, tz = excluded.tz, tz_offset = excluded.tz_offset, profile_refreshed_at = now()
     returning ${USER}`,
    [workspaceId, platformId, profile.username, profile.displayName, profile.realName, profile.imageUrl, profile.tz ?? '', profile.tzOffset ?? 0],
  );
  return rows[0] as PlatformUserRow;
}

export async function selectPlatformUser(db: Db, workspaceId: string, platformId: string): Promise<PlatformUserRow | undefined> {
  const { rows } = await db.query<PlatformUserRow>(`select ${USER} from platform_users where workspace_id = $1 and platform_id = $2`, [workspaceId, platformId]);
  return rows[0];
}

export async function setDmChannel(db: Db, userId: string, dmChannelId: string): Promise<void> {
  await db.query('update platform_users set dm_channel_id = $2 where id = $1', [userId, dmChannelId]);
}

/** Customers with an open engagement whose profile is older than `before`, for the daily refresh. */
export async function selectStaleEngagedUsers(db: Db, before: Date, limit: number): Promise<Array<PlatformUserRow & { organization_id: string; workspace_platform_id: string }>> {
  const { rows } = await db.query<PlatformUserRow & { organization_id: string; workspace_platform_id: string }>(
    `select ${USER.split(', ').map((c) => `u.${c}`).join(', ')}, w.organization_id, w.platform_id as workspace_platform_id
       from platform_users u join customer_workspaces w on w.id = u.workspace_id
      where (u.profile_refreshed_at is null or u.profile_refreshed_at < $1)
        and exists (select 1 from engagement_channels e where e.platform_user_id = u.id and not e.is_archived)
      order by u.profile_refreshed_at nulls first limit $2`,
    [before, limit],
  );
  return rows;
}

export interface AgentRow {
  id: string;
  platform_id: string;
  username: string;
  display_name: string;
  real_name: string;
  image_url: string;
}

export async function upsertAgent(db: Db, integrationId: string, platformId: string, profile: Profile): Promise<AgentRow> {
  const { rows } = await db.query<AgentRow>(
    `insert into platform_agents (integration_id, platform_id, username, display_name, real_name, image_url)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (integration_id, platform_id) do update
       set username = excluded.username, display_name = excluded.display_name, real_name = excluded.real_name, image_url = excluded.image_url
     returning id, platform_id, username, display_name, real_name, image_url`,
    [integrationId, platformId, profile.username, profile.displayName, profile.realName, profile.imageUrl],
  );
  return rows[0] as AgentRow;
}

export async function selectAgent(db: Db, integrationId: string, platformId: string): Promise<AgentRow | undefined> {
  const { rows } = await db.query<AgentRow>(
    'select id, platform_id, username, display_name, real_name, image_url from platform_agents where integration_id = $1 and platform_id = $2',
    [integrationId, platformId],
  );
  return rows[0];
}
