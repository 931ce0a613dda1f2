import { Code, ConnectError, type Client } from '@connectrpc/connect';
import type { TenantSettingsService } from '@megatron/contracts';

export interface AppEndpoint {
  commandUrl: string;
  /** Current secret first; all of them sign during a rotation. */
  webhookSecrets: string[];
  verificationToken: string;
  disabled: boolean;
}

/** A problem with the organization itself (unknown, no endpoint): retrying will not help. */
export class EndpointUnusableError extends Error {
  override name = 'EndpointUnusableError';
}

interface Cached {
  value: Promise<AppEndpoint>;
  expiresAt: number;
}

const CALL_TIMEOUT_MS = 5_000;

/**
 * command-core's tenant settings, kept for a short time so a burst of commands for one
 * organization costs one call; concurrent lookups share the call in flight.
 */
export class TenantSettings {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly client: Client<typeof TenantSettingsService>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  endpoint(organizationId: string): Promise<AppEndpoint> {
    const hit = this.cache.get(organizationId);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const value = this.fetch(organizationId);
    this.cache.set(organizationId, { value, expiresAt: this.now() + this.ttlMs });
    value.catch(() => this.cache.delete(organizationId));
    return value;
  }

  /** After a 410: command-core records it, and this process stops sending at once. */
  async disable(organizationId: string, reason: string): Promise<void> {
    await this.client.disableAppEndpoint({ organizationId, reason }, { timeoutMs: CALL_TIMEOUT_MS });
    const hit = this.cache.get(organizationId);
    if (hit) {
      const disabled = hit.value.then((endpoint) => ({ ...endpoint, disabled: true }));
      this.cache.set(organizationId, { value: disabled, expiresAt: hit.expiresAt });
    }
  }

  private async fetch(organizationId: string): Promise<AppEndpoint> {
    try {
      const answer = await this.client.getAppEndpoint({ organizationId }, { timeoutMs: CALL_TIMEOUT_MS });
      if (answer.commandUrl === '') throw new EndpointUnusableError(`organization ${organizationId} has no command_url`);
      if (answer.webhookSecrets.length === 0) throw new EndpointUnusableError(`organization ${organizationId} has no webhook secret`);
      return {
        commandUrl: answer.commandUrl,
        webhookSecrets: [...answer.webhookSecrets],
        verificationToken: answer.verificationToken,
        disabled: answer.disabled,
      };
    } catch (error) {
      if (error instanceof ConnectError && (error.code === Code.NotFound || error.code === Code.InvalidArgument)) {
        throw new EndpointUnusableError(`command-core does not know organization ${organizationId}: ${error.rawMessage}`, { cause: error });
      }
      throw error;
    }
  }
}
