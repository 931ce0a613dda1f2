import type { ServiceImpl } from '@connectrpc/connect';
import type { TenantSettingsService } from '@megatron/contracts';
import type { TenantAdmin } from '../tenants/tenant-admin.js';

/** What app-notifier needs to deliver an organization's app commands, decrypted; internal to the cluster. */
export function tenantSettingsService(admin: TenantAdmin): ServiceImpl<typeof TenantSettingsService> {
  return {
    async getAppEndpoint(req) {
      const endpoint = await admin.appEndpoint(req.organizationId);
      return {
        commandUrl: endpoint.commandUrl,
        webhookSecrets: endpoint.webhookSecrets,
        verificationToken: endpoint.verificationToken,
        disabled: endpoint.disabledReason !== null,
      };
    },
    async disableAppEndpoint(req) {
      await admin.setEndpointDisabled(req.organizationId, req.reason === '' ? 'disabled by app-notifier' : req.reason);
      return {};
    },
  };
}
