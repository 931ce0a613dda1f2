import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type Client, type ServiceImpl } from '@connectrpc/connect';
import { PlatformType, type AppNotifierService, type MegatronAdminService } from '@megatron/contracts';
import { invalid } from '../tenants/errors.js';
import type { OrganizationDetails, TenantAdmin } from '../tenants/tenant-admin.js';
import type { Tenants } from '../tenants/types.js';
import { runScheduledJobs, type ScheduledJobsAccess } from './run-scheduled-jobs.js';

/**
 * Organizations, integrations, workspaces and tokens for the operator, the scheduled jobs on demand and
 * app-notifier's dead letters (authenticated by the admin token interceptor; app-notifier itself is
 * internal, so operators reach its dead letters only through here).
 */
export function adminService(
  admin: TenantAdmin,
  tenants: Tenants,
  scheduledJobs?: ScheduledJobsAccess,
  appNotifier?: Client<typeof AppNotifierService>,
): ServiceImpl<typeof MegatronAdminService> {
  const notifier = () => {
    if (!appNotifier) throw new ConnectError('this server has no app-notifier to ask', Code.Unimplemented);
    return appNotifier;
  };
  return {
    async createOrganization(req) {
      const created = await admin.createOrganization({ name: req.name, commandUrl: req.commandUrl });
      return { organization: organizationMessage(created.organization), webhookSecret: created.webhookSecret, verificationToken: created.verificationToken };
    },
    async listOrganizations() {
      return { organizations: (await admin.listOrganizations()).map(organizationMessage) };
    },
    async updateOrganization(req) {
      // proto3 cannot tell "unset" from "": an empty field leaves the value as it is.
      const organization = await admin.updateOrganization(req.organizationId, {
        name: req.name === '' ? undefined : req.name,
        commandUrl: req.commandUrl === '' ? undefined : req.commandUrl,
        receipts: req.receipts,
        takeoverMode: req.takeoverMode === '' ? undefined : req.takeoverMode,
      });
      return { organization: organizationMessage(organization) };
    },
    async rotateWebhookSecret(req) {
      return { webhookSecret: await admin.rotateWebhookSecret(req.organizationId, Number(req.keepPreviousSeconds)) };
    },
    async enableAppEndpoint(req) {
      return { organization: organizationMessage(await admin.setEndpointDisabled(req.organizationId, null)) };
    },
    async issueApiToken(req) {
      return admin.issueApiToken(req.organizationId, req.label);
    },
    async revokeApiToken(req) {
      await admin.revokeApiToken(req.tokenId);
      return {};
    },
    async upsertIntegration(req) {
      const integration = await admin.upsertIntegration({
        organizationId: req.organizationId,
        teamId: req.teamId,
        domain: req.domain,
        botToken: req.botToken,
        notificationChannelId: req.notificationChannelId,
      });
      return { integrationId: integration.id };
    },
    async registerCustomerWorkspace(req) {
      const workspace = req.workspace;
      if (!workspace) throw invalid('workspace is required');
      if (workspace.platform !== PlatformType.SLACK) throw invalid(`unknown platform ${workspace.platform}: only PLATFORM_TYPE_SLACK is supported`);
      const result = await tenants.registerWorkspace(req.organizationId, {
        platformId: workspace.platformId,
        name: workspace.name,
        domain: workspace.domain,
        connectionToken: workspace.connectionToken,
      });
      return {
        created: result.created,
        workspace: {
          id: result.workspace.id,
          platform: PlatformType.SLACK,
          platformId: result.workspace.platformId,
          name: result.workspace.name,
          domain: result.workspace.domain,
        },
      };
    },
    runScheduledJobs: (req) => runScheduledJobs(scheduledJobs, req),
    async listAppDeadLetters(req) {
      return { deadLetters: (await notifier().listDeadLetters({ organizationId: req.organizationId, limit: req.limit })).deadLetters };
    },
    async replayAppDeadLetter(req) {
      await notifier().replayDeadLetter({ sequence: req.sequence });
      return {};
    },
  };
}

function organizationMessage(organization: OrganizationDetails) {
  return {
    id: organization.id,
    name: organization.name,
    commandUrl: organization.commandUrl,
    endpointDisabledReason: organization.endpointDisabledReason ?? '',
    receipts: organization.receipts,
    takeoverMode: organization.takeoverMode,
    createdAt: timestampFromDate(organization.createdAt),
  };
}
