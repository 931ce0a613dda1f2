import { transaction, type AddressPolicy, type Pool } from '@megatron/runtime';
import { generateApiToken, generateVerificationToken, generateWebhookSecret, hashApiToken } from '../crypto/secrets.js';
import type { TokenCipher } from '../crypto/token-cipher.js';
import {
  expireWebhookSecrets,
  insertApiToken,
  insertWebhookSecret,
  revokeApiToken,
  selectActiveWebhookSecrets,
  selectApiTokens,
  selectLiveTokenByHash,
  touchApiToken,
  type ApiTokenRow,
} from '../db/tenants-credentials.js';
import {
  insertOrganization,
  selectIntegrationOf,
  selectOrganization,
  selectOrganizations,
  setEndpointDisabled,
  updateOrganization,
  upsertIntegration,
  type OrganizationRow,
} from '../db/tenants.js';
import { invalid, notFound, TenantError } from './errors.js';
import type { Integration, Organization } from './types.js';
import { isUuid } from './uuid.js';
import { commandUrl, id, optionalChannelId, optionalText, optionalUserId, requireText, slackToken, takeoverMode, teamId, token } from './validation.js';
import { notifyTenantChange, type TenantChange } from '../db/tenant-changes.js';
import { toOrganization } from './tenant-directory.js';

export interface OrganizationDetails extends Organization {
  createdAt: Date;
}

export interface CreatedOrganization {
  organization: OrganizationDetails;
  /** Shown once: the app verifies app commands with it. */
  webhookSecret: string;
  /** Shown once: the legacy megatron_verification_token. */
  verificationToken: string;
}

export interface ApiTokenInfo {
  id: string;
  organizationId: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface IntegrationSettings {
  organizationId: string;
  teamId: string;
  domain?: string | undefined;
  botToken: string;
  botUserId?: string | undefined;
  notificationChannelId?: string | undefined;
}

/** What app-notifier needs to deliver an organization's app commands. */
export interface AppEndpoint {
  commandUrl: string;
  /** Current first, then previous ones still inside their rotation window. */
  webhookSecrets: string[];
  verificationToken: string;
  disabledReason: string | null;
}

const MAX_KEEP_PREVIOUS_SECONDS = 30 * 24 * 60 * 60;

/** Operator-side tenant management: shared by MegatronAdminService, the megatron-admin command and the bootstrap. */
export class TenantAdmin {
  constructor(
    private readonly pool: Pool,
    private readonly cipher: TokenCipher,
    /** Where a command_url may point; production's policy unless the caller's configuration says otherwise. */
    private readonly commandUrlPolicy: AddressPolicy = { allowLoopback: false, allowPrivate: false },
    /** This replica's own caches, told of a change before the caller is answered (others hear the NOTIFY). */
    private readonly heardHere: (change: TenantChange) => void = () => undefined,
  ) {}

  private async announce(change: TenantChange): Promise<void> {
    await notifyTenantChange(this.pool, change);
    this.heardHere(change);
  }

  async createOrganization(values: { name: string; commandUrl?: string | undefined; verificationToken?: string | undefined }): Promise<CreatedOrganization> {
    const name = requireText('name', values.name);
    const url = commandUrl(values.commandUrl ?? '', this.commandUrlPolicy);
    const verificationToken = values.verificationToken === undefined ? generateVerificationToken() : token('verification_token', values.verificationToken);
    const webhookSecret = generateWebhookSecret();
    const row = await transaction(this.pool, async (client) => {
      const created = await insertOrganization(client, { name, commandUrl: url, verificationTokenEnc: this.cipher.encrypt(verificationToken) });
      await insertWebhookSecret(client, created.id, this.cipher.encrypt(webhookSecret));
      return created;
    });
    return { organization: details(row), webhookSecret, verificationToken };
  }

  async listOrganizations(): Promise<OrganizationDetails[]> {
    return (await selectOrganizations(this.pool)).map(details);
  }

  async organization(organizationId: string): Promise<OrganizationDetails> {
    return details(await this.existing(organizationId));
  }

  async updateOrganization(
    organizationId: string,
    values: {
      name?: string | undefined;
      commandUrl?: string | undefined;
      verificationToken?: string | undefined;
      receipts?: boolean | undefined;
      takeoverMode?: string | undefined;
    },
  ): Promise<OrganizationDetails> {
    const orgId = id('organization_id', organizationId);
    const changes = {
      receipts: values.receipts,
      takeoverMode: values.takeoverMode === undefined ? undefined : takeoverMode(values.takeoverMode),
      name: values.name === undefined || values.name === '' ? undefined : requireText('name', values.name),
      commandUrl: values.commandUrl === undefined ? undefined : commandUrl(values.commandUrl, this.commandUrlPolicy),
      verificationTokenEnc: values.verificationToken === undefined ? undefined : this.cipher.encrypt(token('verification_token', values.verificationToken)),
    };
    const row = await updateOrganization(this.pool, orgId, changes);
    if (!row) throw notFound(`organization ${orgId} does not exist`);
    await this.announce({ kind: 'organization', id: orgId });
    return details(row);
  }

  /** The new secret signs at once; previous ones keep signing beside it for at most `keepPreviousSeconds`. */
  async rotateWebhookSecret(organizationId: string, keepPreviousSeconds: number, secret: string = generateWebhookSecret()): Promise<string> {
    if (!Number.isInteger(keepPreviousSeconds) || keepPreviousSeconds < 0 || keepPreviousSeconds > MAX_KEEP_PREVIOUS_SECONDS) {
      throw invalid(`keep_previous_seconds must be a whole number from 0 to ${MAX_KEEP_PREVIOUS_SECONDS}, got ${keepPreviousSeconds}`);
    }
    const orgId = (await this.existing(organizationId)).id;
    await transaction(this.pool, async (client) => {
      await expireWebhookSecrets(client, orgId, keepPreviousSeconds);
      await insertWebhookSecret(client, orgId, this.cipher.encrypt(secret));
    });
    return secret;
  }

  /** reason null re-enables a command_url that answered 410 Gone. */
  async setEndpointDisabled(organizationId: string, reason: string | null): Promise<OrganizationDetails> {
    const orgId = id('organization_id', organizationId);
    const row = await setEndpointDisabled(this.pool, orgId, reason === null ? null : requireText('reason', reason, 500));
    if (!row) throw notFound(`organization ${orgId} does not exist`);
    await this.announce({ kind: 'organization', id: orgId });
    return details(row);
  }

  async appEndpoint(organizationId: string): Promise<AppEndpoint> {
    const row = await this.existing(organizationId);
    const sealed = await selectActiveWebhookSecrets(this.pool, row.id);
    return {
      commandUrl: row.command_url,
      webhookSecrets: sealed.map((value) => this.cipher.decrypt(value)),
      verificationToken: this.cipher.decrypt(row.verification_token_enc),
      disabledReason: row.endpoint_disabled_reason,
    };
  }

  async issueApiToken(organizationId: string, label = ''): Promise<{ tokenId: string; token: string }> {
    const orgId = (await this.existing(organizationId)).id;
    const secret = generateApiToken();
    const row = await insertApiToken(this.pool, orgId, optionalText('label', label), hashApiToken(secret));
    return { tokenId: row.id, token: secret };
  }

  async revokeApiToken(tokenId: string): Promise<ApiTokenInfo> {
    const row = await revokeApiToken(this.pool, id('token_id', tokenId));
    if (!row) throw notFound(`API token ${tokenId} does not exist`);
    // Every replica forgets the token at once (api/token-cache.ts).
    await this.announce({ kind: 'api_token', id: row.id });
    return tokenInfo(row);
  }

  async listApiTokens(organizationId: string): Promise<ApiTokenInfo[]> {
    const orgId = (await this.existing(organizationId)).id;
    return (await selectApiTokens(this.pool, orgId)).map(tokenInfo);
  }

  /** The organization a live API token belongs to; undefined for unknown or revoked tokens. */
  async authenticate(apiToken: string): Promise<string | undefined> {
    if (apiToken === '') return undefined;
    const row = await selectLiveTokenByHash(this.pool, hashApiToken(apiToken));
    if (!row) return undefined;
    await touchApiToken(this.pool, row.id);
    return row.organization_id;
  }

  /** One integration workspace per organization: setting it again updates it (bot token rotation). */
  async upsertIntegration(settings: IntegrationSettings): Promise<Integration> {
    const orgId = (await this.existing(settings.organizationId)).id;
    const team = teamId('team_id', settings.teamId);
    const botToken = slackToken('bot_token', settings.botToken);
    const current = await selectIntegrationOf(this.pool, orgId);
    if (current && current.team_id !== team) {
      throw new TenantError('already_exists', `organization ${orgId} already has integration workspace ${current.team_id}; one per organization`);
    }
    const row = await upsertIntegration(this.pool, {
      organizationId: orgId,
      teamId: team,
      domain: optionalText('domain', settings.domain, 100),
      botTokenEnc: this.cipher.encrypt(botToken),
      botUserId: optionalUserId('bot_user_id', settings.botUserId),
      notificationChannelId: optionalChannelId('notification_channel_id', settings.notificationChannelId),
    });
    if (!row) throw new TenantError('already_exists', `Slack team ${team} is already the integration workspace of another organization`);
    await this.announce({ kind: 'organization', id: orgId });
    return {
      id: row.id,
      organizationId: row.organization_id,
      teamId: row.team_id,
      domain: row.domain,
      botToken,
      botUserId: row.bot_user_id,
      notificationChannelId: row.notification_channel_id,
    };
  }

  private async existing(organizationId: string): Promise<OrganizationRow> {
    const trimmed = organizationId.trim();
    const row = isUuid(trimmed) ? await selectOrganization(this.pool, trimmed) : undefined;
    if (!row) throw trimmed === '' ? invalid('organization_id is required') : notFound(`organization ${trimmed} does not exist`);
    return row;
  }
}

function details(row: OrganizationRow): OrganizationDetails {
  return { ...toOrganization(row), createdAt: row.created_at };
}

function tokenInfo(row: ApiTokenRow): ApiTokenInfo {
  return {
    id: row.id,
    organizationId: row.organization_id,
    label: row.label,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
