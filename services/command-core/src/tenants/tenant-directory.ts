import type { Pool } from '@megatron/runtime';
import type { TokenCipher } from '../crypto/token-cipher.js';
import {
  selectCustomerWorkspace,
  selectCustomerWorkspaceById,
  selectCustomerWorkspaces,
  selectIntegrationByTeam,
  selectIntegrationOf,
  selectOrganization,
  upsertCustomerWorkspace,
  type CustomerWorkspaceRow,
  type IntegrationRow,
  type OrganizationRow,
} from '../db/tenants.js';
import { notFound } from './errors.js';
import type { CustomerWorkspace, Integration, Organization, Tenants, WorkspaceRegistration } from './types.js';
import { isUuid } from './uuid.js';
import { id, optionalDomain, optionalText, slackToken, teamId } from './validation.js';

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    commandUrl: row.command_url,
    endpointDisabledReason: row.endpoint_disabled_reason,
    receipts: row.receipts,
    takeoverMode: row.takeover_mode,
  };
}

/** The Tenants the takeover logic reads, backed by Postgres; secrets are decrypted on the way out. */
export class TenantDirectory implements Tenants {
  constructor(
    private readonly pool: Pool,
    private readonly cipher: TokenCipher,
  ) {}

  async organization(organizationId: string): Promise<Organization | undefined> {
    if (!isUuid(organizationId)) return undefined;
    const row = await selectOrganization(this.pool, organizationId);
    return row && toOrganization(row);
  }

  async integrationByTeam(teamId: string): Promise<Integration | undefined> {
    const row = await selectIntegrationByTeam(this.pool, teamId);
    return row && this.toIntegration(row);
  }

  async integrationOf(organizationId: string): Promise<Integration | undefined> {
    if (!isUuid(organizationId)) return undefined;
    const row = await selectIntegrationOf(this.pool, organizationId);
    return row && this.toIntegration(row);
  }

  async customerWorkspace(organizationId: string, platformId: string): Promise<CustomerWorkspace | undefined> {
    if (!isUuid(organizationId)) return undefined;
    const row = await selectCustomerWorkspace(this.pool, organizationId, platformId);
    return row && this.toWorkspace(row);
  }

  async customerWorkspaceById(organizationId: string, workspaceId: string): Promise<CustomerWorkspace | undefined> {
    if (!isUuid(organizationId)) return undefined;
    const row = await selectCustomerWorkspaceById(this.pool, organizationId, workspaceId);
    return row && this.toWorkspace(row);
  }

  async customerWorkspaces(organizationId: string): Promise<CustomerWorkspace[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await selectCustomerWorkspaces(this.pool, organizationId);
    return rows.map((row) => this.toWorkspace(row));
  }

  async registerWorkspace(organizationId: string, registration: WorkspaceRegistration): Promise<{ workspace: CustomerWorkspace; created: boolean }> {
    const organization = id('organization_id', organizationId);
    const values = {
      organizationId: organization,
      platformId: teamId('platform_id', registration.platformId),
      name: optionalText('name', registration.name),
      domain: optionalDomain('domain', registration.domain),
      connectionTokenEnc: this.cipher.encrypt(slackToken('connection_token', registration.connectionToken)),
    };
    if (!(await selectOrganization(this.pool, organization))) throw notFound(`organization ${organization} does not exist`);
    const { row, created } = await upsertCustomerWorkspace(this.pool, values);
    return { workspace: this.toWorkspace(row), created };
  }

  private toIntegration(row: IntegrationRow): Integration {
    return {
      id: row.id,
      organizationId: row.organization_id,
      teamId: row.team_id,
      domain: row.domain,
      botToken: this.cipher.decrypt(row.bot_token_enc),
      botUserId: row.bot_user_id,
      notificationChannelId: row.notification_channel_id,
    };
  }

  private toWorkspace(row: CustomerWorkspaceRow): CustomerWorkspace {
    return {
      id: row.id,
      organizationId: row.organization_id,
      platformId: row.platform_id,
      name: row.name,
      domain: row.domain,
      connectionToken: this.cipher.decrypt(row.connection_token_enc),
    };
  }
}
