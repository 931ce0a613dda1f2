import type { PoolClient } from '@megatron/runtime';

/** A pool or a client inside a transaction. */
export type Db = Pick<PoolClient, 'query'>;

export interface OrganizationRow {
  id: string;
  name: string;
  command_url: string;
  verification_token_enc: string;
  endpoint_disabled_reason: string | null;
  receipts: boolean;
  takeover_mode: TakeoverMode;
  created_at: Date;
}

export type TakeoverMode = 'hold' | 'send-and-warn' | 'auto-pause';

const ORGANIZATION = 'id, name, command_url, verification_token_enc, endpoint_disabled_reason, receipts, takeover_mode, created_at';

export async function insertOrganization(db: Db, values: { name: string; commandUrl: string; verificationTokenEnc: string }): Promise<OrganizationRow> {
  const { rows } = await db.query<OrganizationRow>(
    `insert into organizations (name, command_url, verification_token_enc) values ($1, $2, $3) returning ${ORGANIZATION}`,
    [values.name, values.commandUrl, values.verificationTokenEnc],
  );
  return rows[0] as OrganizationRow;
}

export async function selectOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  const { rows } = await db.query<OrganizationRow>(`select ${ORGANIZATION} from organizations where id = $1`, [id]);
  return rows[0];
}

export async function selectOrganizationByName(db: Db, name: string): Promise<OrganizationRow | undefined> {
  const { rows } = await db.query<OrganizationRow>(`select ${ORGANIZATION} from organizations where name = $1 order by created_at limit 1`, [name]);
  return rows[0];
}

export async function selectOrganizations(db: Db): Promise<OrganizationRow[]> {
  const { rows } = await db.query<OrganizationRow>(`select ${ORGANIZATION} from organizations order by created_at, id`);
  return rows;
}

export async function updateOrganization(
  db: Db,
  id: string,
  values: {
    name?: string | undefined;
    commandUrl?: string | undefined;
    verificationTokenEnc?: string | undefined;
    receipts?: boolean | undefined;
    takeoverMode?: TakeoverMode | undefined;
  },
): Promise<OrganizationRow | undefined> {
  const { rows } = await db.query<OrganizationRow>(
    `update organizations
        set name = coalesce($2, name),
            command_url = coalesce($3, command_url),
            verification_token_enc = coalesce($4, verification_token_enc),
            receipts = coalesce($5, receipts),
            takeover_mode = coalesce($6, takeover_mode),
            updated_at = now()
      where id = $1
  returning ${ORGANIZATION}`,
    [id, values.name ?? null, values.commandUrl ?? null, values.verificationTokenEnc ?? null, values.receipts ?? null, values.takeoverMode ?? null],
  );
  return rows[0];
}

/** reason null re-enables the endpoint. */
export async function setEndpointDisabled(db: Db, id: string, reason: string | null): Promise<OrganizationRow | undefined> {
  const { rows } = await db.query<OrganizationRow>(
    `update organizations set endpoint_disabled_reason = $2, updated_at = now() where id = $1 returning ${ORGANIZATION}`,
    [id, reason],
  );
  return rows[0];
}

export interface IntegrationRow {
  id: string;
  organization_id: string;
  team_id: string;
  domain: string;
  bot_token_enc: string;
  bot_user_id: string;
  notification_channel_id: string;
}

const INTEGRATION = 'id, organization_id, team_id, domain, bot_token_enc, bot_user_id, notification_channel_id';

export interface IntegrationValues {
  organizationId: string;
  teamId: string;
  domain: string;
  botTokenEnc: string;
  botUserId: string;
  notificationChannelId: string;
}

/**
 * Creates or updates the integration keyed on its team id; empty domain, bot user or channel keep the
 * stored value. Undefined when the team belongs to another organization.
 */
export async function upsertIntegration(db: Db, values: IntegrationValues): Promise<IntegrationRow | undefined> {
  const { rows } = await db.query<IntegrationRow>(
    `insert into integrations (organization_id, team_id, domain, bot_token_enc, bot_user_id, notification_channel_id)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (platform, team_id) do update
        set domain = coalesce(nullif(excluded.domain, ''), integrations.domain),
            bot_token_enc = excluded.bot_token_enc,
            bot_user_id = coalesce(nullif(excluded.bot_user_id, ''), integrations.bot_user_id),
            notification_channel_id = coalesce(nullif(excluded.notification_channel_id, ''), integrations.notification_channel_id),
            updated_at = now()
      where integrations.organization_id = excluded.organization_id
  returning ${INTEGRATION}`,
    [values.organizationId, values.teamId, values.domain, values.botTokenEnc, values.botUserId, values.notificationChannelId],
  );
  return rows[0];
}

export async function selectIntegrationByTeam(db: Db, teamId: string): Promise<IntegrationRow | undefined> {
  const { rows } = await db.query<IntegrationRow>(`select ${INTEGRATION} from integrations where platform = 'slack' and team_id = $1`, [teamId]);
  return rows[0];
}

export async function selectIntegrationOf(db: Db, organizationId: string): Promise<IntegrationRow | undefined> {
  const { rows } = await db.query<IntegrationRow>(
    `select ${INTEGRATION} from integrations where organization_id = $1 order by created_at limit 1`,
    [organizationId],
  );
  return rows[0];
}

export interface CustomerWorkspaceRow {
  id: string;
  organization_id: string;
  platform_id: string;
  name: string;
  domain: string;
  connection_token_enc: string;
}

const WORKSPACE = 'id, organization_id, platform_id, name, domain, connection_token_enc';

export async function upsertCustomerWorkspace(
  db: Db,
  values: { organizationId: string; platformId: string; name: string; domain: string; connectionTokenEnc: string },
): Promise<{ row: CustomerWorkspaceRow; created: boolean }> {
  // xmax is 0 only for a freshly inserted row: the one-statement way to tell insert from update.
  const { rows } = await db.query<CustomerWorkspaceRow & { created: boolean }>(
    `insert into customer_workspaces (organization_id, platform_id, name, domain, connection_token_enc)
     values ($1, $2, $3, $4, $5)
     on conflict (organization_id, platform, platform_id) do update
        set name = coalesce(nullif(excluded.name, ''), customer_workspaces.name),
            domain = coalesce(nullif(excluded.domain, ''), customer_workspaces.domain),
            connection_token_enc = excluded.connection_token_enc,
            updated_at = now()
  returning ${WORKSPACE}, (xmax = 0) as created`,
    [values.organizationId, values.platformId, values.name, values.domain, values.connectionTokenEnc],
  );
  const { created, ...row } = rows[0] as CustomerWorkspaceRow & { created: boolean };
  return { row, created };
}

export async function selectCustomerWorkspace(db: Db, organizationId: string, platformId: string): Promise<CustomerWorkspaceRow | undefined> {
  const { rows } = await db.query<CustomerWorkspaceRow>(
    `select ${WORKSPACE} from customer_workspaces where organization_id = $1 and platform = 'slack' and platform_id = $2`,
    [organizationId, platformId],
  );
  return rows[0];
}

export async function selectCustomerWorkspaceById(db: Db, organizationId: string, id: string): Promise<CustomerWorkspaceRow | undefined> {
  const { rows } = await db.query<CustomerWorkspaceRow>(
    `select ${WORKSPACE} from customer_workspaces where organization_id = $1 and id::text = $2`,
    [organizationId, id],
  );
  return rows[0];
}

export async function selectCustomerWorkspaces(db: Db, organizationId: string): Promise<CustomerWorkspaceRow[]> {
  const { rows } = await db.query<CustomerWorkspaceRow>(
    `select ${WORKSPACE} from customer_workspaces where organization_id = $1 order by created_at, id`,
    [organizationId],
  );
  return rows;
}
